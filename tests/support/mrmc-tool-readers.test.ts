// The tool emulations themselves: they accept the file the tools ship (RJafroc's RocData.imrmc,
// the Van Dyke data, which both iMRMC and RJafroc read) and stop where the tools stop on the
// faults issue 19 found in Verdict's old files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAsIMrmc, readCsvAsR, readImrmcAsRJafroc, readMrmcCsvAsRJafroc, rMakeNames } from './mrmc-tool-readers';

const vanDyke = readFileSync(join(__dirname, '../../main/services/results/statistics/fixtures/van-dyke.imrmc'), 'utf8');

describe('emulated iMRMC and RJafroc readers', () => {
  it('read the Van Dyke file both tools ship and read', () => {
    expect(readAsIMrmc(vanDyke)).toMatchObject({ header: { N0: 69, N1: 45, NR: 5, NM: 2 }, warnings: [] });
    expect(readImrmcAsRJafroc('RocData.imrmc', vanDyke)).toMatchObject({ I: 2, J: 5, K1: 69, K2: 45, readers: ['0', '1', '2', '3', '4'] });
  });

  const old = [
    'Verdict reader study 1 "Session1: dermoscopy readers", protocol p v1',
    'BEGIN DATA:',
    'truth,ISIC_1,truth,0',
    'truth,ISIC_2,truth,1',
    'Dr_A-r1,ISIC_1,unaided,2',
    'Dr_A-r1,ISIC_2,unaided,4',
    '',
  ].join('\r\n');

  it('iMRMC takes "Session1:" in the front matter as a count, and refuses the file', () => {
    expect(() => readAsIMrmc(old)).toThrow(/Found N1: Text following is not an integer/);
    expect(readAsIMrmc(old.replace('Session1:', 'Session 1 -')).warnings).toEqual([
      'NR Given = 0 NR Found = 1',
      'N0 Given = 0 N0 Found = 1',
      'N1 Given = 0 N1 Found = 1',
      'NM Given = 0 NM Found = 1',
    ]);
  });

  it('RJafroc searches past the end of a file without N0/N1/NR/NM lines, and wants integer ids and reader −1 truth rows', () => {
    expect(() => readImrmcAsRJafroc('x.imrmc', old)).toThrow(/ran past the end/);
    const counts = 'N0:1\r\nN1:1\r\nNR:1\r\nNM:1\r\n';
    expect(() => readImrmcAsRJafroc('x.imrmc', counts + old)).toThrow(/Case IDs must be integers/);
    const intCases = counts + old.replaceAll('ISIC_', '');
    expect(() => readImrmcAsRJafroc('x.imrmc', intCases)).toThrow(/truth rows need reader -1/);
    expect(
      readImrmcAsRJafroc(
        'x.imrmc',
        intCases
          .replaceAll('truth,', '-1,')
          .replace(/-1(,\d,)-1/g, '-1$1truth')
          .replaceAll('Dr_A-r1', '1'),
      ),
    ).toMatchObject({ I: 1, J: 1, K1: 1, K2: 1 });
    expect(() => readImrmcAsRJafroc('x.txt', vanDyke)).toThrow(/must be \*\.imrmc/);
  });

  it('RJafroc needs a fully crossed design', () => {
    const cut = vanDyke.replace(/\n0,1,0,[^\n]*/, '');
    expect(() => readImrmcAsRJafroc('x.imrmc', cut)).toThrow(/fully crossed/);
    const csv = 'reader,treatment,case,truth,rating\r\n1,a,1,0,2\r\n1,a,2,1,4\r\n2,a,1,0,3\r\n';
    expect(() => readMrmcCsvAsRJafroc(csv)).toThrow(/fully crossed/);
    expect(readMrmcCsvAsRJafroc(`${csv}2,a,2,1,5\r\n`)).toMatchObject({ I: 1, J: 2, K1: 1, K2: 1 });
  });

  it("R's read.csv renames columns as check.names does and types each column", () => {
    expect(rMakeNames(["Dr O'Brien", "'@fox", 'R1', '2nd', 'a b', 'a.b'])).toEqual(['Dr.O.Brien', 'X..fox', 'R1', 'X2nd', 'a.b', 'a.b.1']);
    const r = readCsvAsR('q,R1,R2,R3\r\nx,1,,2.5\r\ny,2,3,lot\r\n');
    expect(r.types).toEqual(['character', 'integer', 'integer', 'character']);
  });
});
