import { describe, expect, it } from 'vitest';
import { guidProblem } from './guid';

describe('guidProblem', () => {
  it('accepts a GUID in either case, with stray spaces', () => {
    expect(guidProblem('Directory ID', ' 3F9A1C2D-5e6b-4a7c-8d9e-0f1a2b3c4d5e ')).toBeUndefined();
  });

  it('asks for an empty value', () => {
    expect(guidProblem('Directory ID', '')).toBe('Enter the Directory ID.');
  });

  it('names a character no GUID holds', () => {
    expect(guidProblem('Application ID', '3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5g')).toContain('contains "g"');
  });

  it('explains the shape when a digit is missing', () => {
    expect(guidProblem('Application ID', '3f9a1c2d-5e6b-4a7c-8d9e-0f1a2b3c4d5')).toContain('8-4-4-4-12');
  });
});
