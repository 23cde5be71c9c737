// Free of `vscode`, so it is unit-tested in plain Node.

/** The names package.json contributes that activation registers before the engine exists. */
export interface ContributedNames {
  /** `contributes.commands[].command` */
  commands: string[];
  /** `contributes.languageModelTools[].name` */
  tools: string[];
}

/**
 * The contributed command ids and language-model tool names of a manifest (VS Code hands the
 * parsed package.json to the extension as `context.extension.packageJSON`); an entry without a
 * string name is skipped, a manifest without such a section gives none.
 */
export function contributedNames(manifest: unknown): ContributedNames {
  const contributes = (manifest as { contributes?: Record<string, unknown> } | undefined)?.contributes ?? {};
  const names = (section: unknown, key: string): string[] =>
    Array.isArray(section)
      ? section.flatMap((entry: unknown) => {
          const name = (entry as Record<string, unknown> | null)?.[key];
          return typeof name === 'string' ? [name] : [];
        })
      : [];
  return { commands: names(contributes.commands, 'command'), tools: names(contributes.languageModelTools, 'name') };
}
