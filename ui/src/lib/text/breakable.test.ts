import { describe, expect, it } from 'vitest';
import { addressPieces } from './breakable';

describe('addressPieces', () => {
  it('breaks an e-mail address after @ and before each dot', () => {
    expect(addressPieces('henrietta.mueller@contoso.com')).toEqual(['henrietta', '.mueller@', 'contoso', '.com']);
  });

  it('keeps a guest principal name in whole words', () => {
    expect(addressPieces('partner_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toEqual([
      'partner_fabrikam',
      '.com#EXT#@',
      'contoso',
      '.onmicrosoft',
      '.com',
    ]);
  });

  it('breaks a URL after its slashes, not inside "//"', () => {
    expect(addressPieces('https://pbx.contoso.example:8887/api/ms365/callback')).toEqual([
      'https://',
      'pbx',
      '.contoso',
      '.example:8887/',
      'api/',
      'ms365/',
      'callback',
    ]);
  });

  it('leaves a word without such marks whole, and gives back exactly the text', () => {
    expect(addressPieces('Now')).toEqual(['Now']);
    expect(addressPieces('')).toEqual([]);
    const text = 'a..b@@c//d.';
    expect(addressPieces(text).join('')).toBe(text);
  });
});
