// `verdict`: the same services as the app, headless. Each subcommand is one small module.
import { VerdictError } from '../../app/errors';
import { explainCommand } from './explain-command';
import { exportCommand } from './export-command';
import { localisationCommand } from './localisation-command';
import { metricsCommand } from './metrics-command';
import { modelCommand } from './model-command';
import { packageCommand } from './package-command';
import { importCommand } from './import-command';
import { infoCommand } from './info-command';
import { readerCommand } from './reader-command';
import { resultsCommand } from './results-command';
import { studyCommand } from './study-command';

const USAGE = `Usage:
  verdict import PATH --db FILE [--json]   import a folder (DICOM CT, LIDC XML, ISIC images) into a study database
  verdict info --db FILE [--json]          summarise a study database
  verdict explain --db FILE --model PACK --case ID --method METHOD --target NAME [--nodule ID] [--json]
                                           one explanation map (cdam, smooth-cdam, integrated-cdam, attention, concept-cdam,
                                           lima, cam, grad-cam, rise, occlusion, attribute-map, prototype-map — what the pack offers)
  verdict reader add --db FILE --name NAME --role reader|admin [--passphrase-file FILE]
                                           a reader profile (passphrase from the file or stdin)
  verdict study create --db FILE --protocol FILE [--name NAME] [--json]
                                           validate and save a protocol, create a study from it, print its id
  verdict study assign --db FILE --study ID --reader NAME
  verdict study status --db FILE [--study ID] [--json]
                                           readers, progress, answers and the event log's integrity
  verdict results --db FILE --study ID [--json]
                                           conditions and phases compared: differences with 95% CIs and p-values
                                           (Obuchowski–Rockette, readers and cases random), and the scoring rules
  verdict export --db FILE --study ID --format csv|comparisons|imrmc|rjafroc|mrmcaov|mrmc-key|kappa|icc|json --out PATH [--question ID]
                                           a study's results for analysis (see verdict export --help)
  verdict metrics --db FILE --model PACK [--methods LIST] [--metrics LIST] [--cases N] [--json]
                                           faithfulness tables (CDAM paper, LiMA paper) for a model on the study's cases
  verdict localisation --db FILE --model PACK [--json]
                                           an attribute model's axis maps against the ISIC Task 2 attribute masks
  verdict model add PATH --db FILE | list --db FILE | retire ID --db FILE [--json]
                                           model packs: add (copied into the study's data folder), list, retire
                                           (see verdict model --help)
  verdict model pack --onnx MODEL.onnx --modality dermoscopy|CT --input PX --normalise imagenet|none|MEAN/STD --labels FILE --out DIR
                                           a black-box pack from any ONNX image classifier
  verdict package create|list|import --db FILE …   readers at other sites: a signed study package per reader, answer packages merged
  verdict package open FILE --data DIR | answers --data DIR --out FILE
                                           a reader's side: the package opened into a workspace, the answers sent back
                                           (see verdict package --help)`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  import: importCommand,
  info: infoCommand,
  explain: explainCommand,
  reader: readerCommand,
  study: studyCommand,
  export: exportCommand,
  results: resultsCommand,
  metrics: metricsCommand,
  localisation: localisationCommand,
  model: modelCommand,
  package: packageCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `verdict: unknown command ${name}\n\n${USAGE}` : USAGE);
    return name && name !== '--help' ? 2 : 0;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof VerdictError ? `verdict: ${e.message}` : e);
    process.exit(1);
  },
);
