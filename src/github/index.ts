// The GitHub connector's public surface.
export { createGitHubConnector, memoryEtagCache, type GitHubConnectorOptions } from './connector';
export { currentBranch, findGitDirs, listRemotes, resolveRemote, type GitDirs, type RemoteInfo } from './localRepo';
export { createOctokit, describeRateLimit, USER_AGENT, type OctokitOptions } from './octokit';
export { analyzeRemoteUrl, parseRemoteUrl, stripCredentials, toRemoteRepository, type ParsedRemote, type RemoteAnalysis } from './remoteUrl';
export { classifyFailure, type Decision, type FailureContext, type HttpFailure } from './errors';
