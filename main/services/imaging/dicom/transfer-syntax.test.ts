import { describe, expect, it } from 'vitest';
import { decodableTransferSyntaxes, transferSyntax, transferSyntaxName } from './transfer-syntax';

describe('transfer-syntax registry', () => {
  it('names syntaxes as PS3.6 does and says which decoder opens them', () => {
    expect(transferSyntaxName('1.2.840.10008.1.2.4.100')).toBe('MPEG2 Main Profile / Main Level');
    expect(transferSyntax('1.2.840.10008.1.2.2')).toMatchObject({ decoder: 'native', bigEndian: true, retired: true });
    expect(transferSyntax('1.2.840.10008.1.2.1.99')).toMatchObject({ decoder: 'native', deflated: true, encapsulated: false });
    expect(transferSyntax('1.2.840.10008.1.2.5')).toMatchObject({ decoder: 'rle', encapsulated: true, lossy: false });
    expect(transferSyntax('1.2.840.10008.1.2.4.81')).toMatchObject({ decoder: 'jpeg-ls', lossy: true });
    expect(transferSyntax('1.2.840.10008.1.2.4.91')?.decoder).toBe('jpeg-2000');
    expect(transferSyntax('1.2.840.10008.1.2.4.57')?.decoder).toBe('jpeg-lossless');
  });

  it('knows unknown UIDs as unknown, and lists what it can decode', () => {
    expect(transferSyntax('1.2.3.4')).toBeNull();
    expect(transferSyntaxName('1.2.3.4')).toBe('unknown transfer syntax');
    const decodable = decodableTransferSyntaxes();
    expect(decodable).toContain('1.2.840.10008.1.2.4.90');
    expect(decodable).not.toContain('1.2.840.10008.1.2.4.100');
  });
});
