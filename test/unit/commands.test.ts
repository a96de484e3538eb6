// Like microsoft/vscode-pull-request-github's check-commands script: the manifest, the ids module
// and the registrations must agree, so no contributed command is dead and none is missing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CommandIds, ContextKeys } from '../../src/extension/commandIds';

const root = path.resolve(__dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

interface Menu { command: string; when?: string; group?: string }
interface Manifest {
  activationEvents: string[];
  l10n: string;
  contributes: {
    commands: { command: string; title: string; category: string; enablement?: string }[];
    menus: Record<string, Menu[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
    viewsContainers: { activitybar: { icon: string }[] };
  };
}
const manifest = JSON.parse(read('package.json')) as Manifest;
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
const declared: string[] = Object.values(CommandIds);
const contributed = manifest.contributes.commands.map((c) => c.command);

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(path.join(root, p)).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('contributed commands', () => {
  it('contributes exactly the ids declared in commandIds.ts', () => {
    assert.deepEqual([...contributed].sort(), [...declared].sort());
  });

  it('registers every declared command in commands.ts', () => {
    const text = read('src/extension/commands/commands.ts');
    const registered = [...text.matchAll(/register\(\s*CommandIds\.(\w+)/g)].map((m) => CommandIds[m[1] as keyof typeof CommandIds]);
    assert.deepEqual([...registered].sort(), [...declared].sort());
  });

  it('puts every command under the Project Sync category with a localized title', () => {
    for (const c of manifest.contributes.commands) {
      assert.equal(c.category, '%category%', c.command);
      assert.match(c.title, /^%.+%$/, c.command);
    }
    assert.equal(nls.category, 'Project Sync');
  });

  it('keeps Sync and Restore disabled while a sync runs', () => {
    const enablement = (id: string) => manifest.contributes.commands.find((c) => c.command === id)?.enablement ?? '';
    for (const id of [CommandIds.syncBranch, CommandIds.syncAgain, CommandIds.restoreSync]) assert.match(enablement(id), new RegExp(`!${ContextKeys.syncing.replace('.', '\\.')}`), id);
    assert.match(enablement(CommandIds.cancelSync), /^projectSync\.syncing$/);
  });

  it('only references contributed commands in menus, and hides item-only commands from the palette', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus))
      for (const item of items) assert.ok(contributed.includes(item.command), `${menu}: ${item.command}`);
    const hidden = manifest.contributes.menus.commandPalette?.filter((m) => m.when === 'false').map((m) => m.command) ?? [];
    for (const id of [CommandIds.restoreSync, CommandIds.openChanges, CommandIds.copyCommitSha, CommandIds.openCommitOnGitHub]) assert.ok(hidden.includes(id), id);
  });

  it('shows Restore inline only on restorable history items', () => {
    const inline = manifest.contributes.menus['view/item/context']?.find((m) => m.command === CommandIds.restoreSync && m.group?.startsWith('inline'));
    assert.ok(inline?.when?.includes('viewItem =~ /^sync:restorable/'));
  });
});

describe('manifest', () => {
  it('activates lazily', () => {
    assert.deepEqual(manifest.activationEvents, []);
  });

  it('defines every %key% it uses in package.nls.json', () => {
    const keys = [...JSON.stringify(manifest.contributes).matchAll(/"%([\w.]+)%"/g)].map((m) => m[1] ?? '');
    assert.ok(keys.length > 20);
    for (const key of keys) assert.ok(key in nls, key);
  });

  it('offers welcome content for each state the History view can be in', () => {
    const whens = manifest.contributes.viewsWelcome.map((w) => w.when).join('\n');
    for (const state of ['workbenchState == empty', "'noGitRepo'", "'noRemote'", '!projectSync.signedIn', '!projectSync.hasSyncs']) assert.ok(whens.includes(state), state);
    assert.ok(Object.values(nls).some((v) => v.includes('(command:projectSync.syncBranch)')));
  });

  it('sets the documented defaults', () => {
    const p = manifest.contributes.configuration.properties;
    assert.equal(p['projectSync.remote']?.default, 'origin');
    assert.equal(p['projectSync.maxFileSize']?.default, 1048576);
    assert.equal(p['projectSync.maxRateLimitWait']?.default, 60);
  });

  it('ships the icon and walkthrough media it names', () => {
    const icon = manifest.contributes.viewsContainers.activitybar[0]?.icon ?? '';
    assert.match(read(icon), /currentColor/);
    for (const step of manifest.contributes.walkthroughs[0]?.steps ?? []) assert.ok(existsSync(path.join(root, step.media.markdown ?? '')), step.media.markdown);
  });

  it('has every vscode.l10n.t string of src/extension in the l10n bundle', () => {
    const bundle = JSON.parse(read(path.join(manifest.l10n, 'bundle.l10n.json'))) as Record<string, string>;
    const used = sources('src/extension').flatMap((f) => [...read(f).matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] ?? '').replace(/\\'/g, "'")));
    const missing = [...new Set(used)].filter((s) => !(s in bundle));
    assert.deepEqual(missing, []);
  });
});
