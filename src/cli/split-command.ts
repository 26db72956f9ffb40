// Splits the -f command string into argv without a shell (SPEC section 1):
// quotes and backslashes group words as a POSIX shell would, nothing expands.

export class CommandSyntaxError extends Error {}

export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      index += 1;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) throw new CommandSyntaxError(`unbalanced single quote in command: ${text}`);
      word += text.slice(index + 1, end);
      inWord = true;
      index = end + 1;
    } else if (char === '"') {
      index = readDoubleQuoted(text, index + 1, (part) => (word += part));
      inWord = true;
    } else if (char === '\\') {
      if (index + 1 >= text.length) throw new CommandSyntaxError(`trailing backslash in command: ${text}`);
      // A backslash-newline joins lines, as in a shell.
      if (text[index + 1] !== '\n') word += text[index + 1];
      inWord = inWord || text[index + 1] !== '\n';
      index += 2;
    } else {
      word += char;
      inWord = true;
      index += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Inside double quotes a backslash escapes only $ ` " \ and newline, as in sh. */
function readDoubleQuoted(text: string, start: number, append: (part: string) => void): number {
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') return index + 1;
    if (char === '\\' && index + 1 < text.length && '$`"\\\n'.includes(text[index + 1])) {
      if (text[index + 1] !== '\n') append(text[index + 1]);
      index += 2;
    } else {
      append(char);
      index += 1;
    }
  }
  throw new CommandSyntaxError(`unbalanced double quote in command: ${text}`);
}
