import { parse } from 'svelte/compiler';

/**
 * Finds user-visible English left in a Svelte component instead of a catalogue message:
 * text between tags, user-visible attributes and component props, and sentence-like string
 * literals in its script.
 */

/** Attributes and component props whose value the user reads or hears. */
const VISIBLE_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
  'hint',
  'confirmLabel',
  'cancelLabel',
  'description',
  'heading',
  'legend',
  'text',
  'message',
  'summary',
]);

/**
 * Words that are the same in every language: product and protocol names, and technical tokens.
 * A text made only of these (and digits, punctuation) needs no message.
 */
const UNTRANSLATED = new Set([
  'pbx365',
  'PortSIP',
  'PBX',
  'Microsoft',
  'Entra',
  'ID',
  'Graph',
  'SIP',
  'UPN',
  'URL',
  'HTTPS',
  'JSON',
  'GUID',
  'cron',
  'OK',
  'SHA-1',
  'SHA-256',
]);

/** Values of comparisons, `case`s and keys are code, not text. */
const KEY_NAMES = new Set(['Escape', 'Enter', 'Tab', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'Backspace', 'Delete']);

export type Finding = { line: number; kind: 'text' | 'attribute' | 'script'; text: string };

function hasWords(text: string): boolean {
  const words = text.match(/\p{L}[\p{L}\p{N}'’._-]*/gu) ?? [];
  // Dotted names (Mail.Send, User.Read.All) are permission and API names, never translated.
  return words.some((word) => !UNTRANSLATED.has(word.replace(/[._-]+$/, '')) && !/\p{L}\.\p{L}/u.test(word));
}

/** A script string that reads like something shown: a capitalised word, or two or more words. */
function looksShown(text: string): boolean {
  const trimmed = text.trim();
  if (!hasWords(trimmed) || KEY_NAMES.has(trimmed)) return false;
  if (/^[a-z0-9_.:/#@?&=%-]+$/.test(trimmed)) return false; // ids, classes, paths, keys
  if (/^\([a-z-]+:\s*[a-z-]+\)$/.test(trimmed)) return false; // media queries
  if (/^[a-z][\w-]*( [a-z][\w-]*)*$/.test(trimmed)) return false; // class lists: "badge demo"
  return /^\p{Lu}/u.test(trimmed) || /\s/.test(trimmed);
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

type Node = { type?: string; start?: number; end?: number; [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null;
}

/** Walks the script's ESTree, skipping code-only places (imports, comparisons, keys). */
function scriptFindings(node: unknown, source: string, out: Finding[], parent?: Node): void {
  if (Array.isArray(node)) {
    for (const child of node) scriptFindings(child, source, out, parent);
    return;
  }
  if (!isNode(node)) return;
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportNamedDeclaration' as string:
      if (node.type === 'ImportDeclaration') return;
      break;
    case 'TSTypeAnnotation':
    case 'TSTypeAliasDeclaration':
    case 'TSInterfaceDeclaration':
    case 'TSAsExpression':
    case 'TSLiteralType':
      if (node.type !== 'TSAsExpression') return;
      break;
    case 'BinaryExpression':
      // `x === 'Escape'`: compares, shows nothing.
      if (['===', '!==', '==', '!='].includes(String(node['operator']))) return;
      break;
    case 'SwitchCase':
      scriptFindings(node['consequent'], source, out, node);
      return;
    case 'Property':
      if (!node['computed']) {
        scriptFindings(node['value'], source, out, node);
        return;
      }
      break;
    case 'CallExpression': {
      const callee = node['callee'];
      // Errors for developers and log lines are English on purpose.
      if (isNode(callee) && callee.type === 'MemberExpression' && isNode(callee['object']) && callee['object']['name'] === 'console') return;
      break;
    }
    case 'NewExpression': {
      const callee = node['callee'];
      if (isNode(callee) && /Error$/.test(String(callee['name']))) return;
      break;
    }
    case 'Literal':
      if (typeof node['value'] === 'string' && looksShown(node['value'])) {
        out.push({ line: lineOf(source, node.start ?? 0), kind: 'script', text: node['value'] });
      }
      return;
    case 'TemplateLiteral':
      for (const quasi of (node['quasis'] as Node[]) ?? []) {
        const cooked = String((quasi['value'] as { cooked?: string })?.cooked ?? '');
        if (looksShown(cooked) && hasWords(cooked)) {
          out.push({ line: lineOf(source, quasi.start ?? 0), kind: 'script', text: cooked });
        }
      }
      scriptFindings(node['expressions'], source, out, node);
      return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'leadingComments' || key === 'trailingComments') continue;
    if (isNode(value)) scriptFindings(value, source, out, node);
  }
}

function templateFindings(node: unknown, source: string, out: Finding[]): void {
  if (Array.isArray(node)) {
    for (const child of node) templateFindings(child, source, out);
    return;
  }
  if (!isNode(node)) return;
  if (node.type === 'Text') {
    const text = String(node['data'] ?? '');
    if (hasWords(text)) out.push({ line: lineOf(source, node.start ?? 0), kind: 'text', text: text.trim() });
    return;
  }
  if (node.type === 'StyleSheet' || node.type === 'Comment') return;
  if (node.type === 'Attribute' && VISIBLE_ATTRIBUTES.has(String(node['name']))) {
    const value = node['value'];
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      if (isNode(part) && part.type === 'Text' && hasWords(String(part['data']))) {
        out.push({ line: lineOf(source, part.start ?? 0), kind: 'attribute', text: `${String(node['name'])}="${String(part['data'])}"` });
      } else if (isNode(part) && part.type === 'ExpressionTag') {
        scriptFindings(part['expression'], source, out);
      }
    }
    return;
  }
  if (node.type === 'Attribute') {
    // Other attributes (class, href, data-testid, type…) are code, but expressions in them may
    // still pick a shown text, e.g. aria-pressed={…}: only sentence-like literals are flagged.
    const value = node['value'];
    if (isNode(value) && value.type === 'ExpressionTag') scriptFindings(value['expression'], source, out);
    return;
  }
  if (node.type === 'ExpressionTag' || node.type === 'HtmlTag') {
    scriptFindings(node['expression'], source, out);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    if (isNode(value)) templateFindings(value, source, out);
  }
}

export function findHardcodedText(source: string, filename: string): Finding[] {
  const ast = parse(source, { modern: true, filename });
  const out: Finding[] = [];
  if (ast.instance) scriptFindings(ast.instance.content, source, out);
  if (ast.module) scriptFindings(ast.module.content, source, out);
  templateFindings(ast.fragment, source, out);
  return out.sort((a, b) => a.line - b.line);
}
