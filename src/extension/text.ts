// Small text helpers shared by the tree, the status bar and the pickers. No vscode import:
// user-facing strings go through an injected `Translate` (vscode.l10n.t in the extension).
export { describeBase, formatAge, formatChanges, formatOnly, type Translate } from '../protocol/display';
