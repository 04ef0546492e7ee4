// Readers at other sites (issue 17): what the coordinator and a remote reader see of study packages
// (coordinator → reader), reader workspaces and answer packages (reader → coordinator). Nothing
// here names a method, a model or a condition: a reader's side of it is blinded like reading is.

/** A package file just written: where, how big, its SHA-256, and the fingerprint of the key that signed it. */
export type WrittenPackage = {
  file: string;
  bytes: number;
  sha256: string;
  /** The signer's key fingerprint (16 groups of 4 hex digits), to be compared out of band. */
  fingerprint: string;
};

/** A study package made for one reader (coordinator). */
export type StudyPackageMade = WrittenPackage & { readerName: string; site: string | null; trials: number; images: number };

/** An answer package written by a reader in their workspace. */
export type AnswerPackageMade = WrittenPackage & { answers: number };

/** One reader of a study as the study admin's "Send to readers… / Import answers…" lists them. */
export type ReaderPackages = {
  readerId: number;
  readerName: string;
  /** Where they read (null: at this workstation). */
  site: string | null;
  /** Study packages made for them, oldest first. */
  issued: { sha256: string; createdAt: string; coordinatorFingerprint: string }[];
  /** The key their answer packages must be signed with, once registered (trust on first use). */
  key: { fingerprint: string; trustedAt: string } | null;
  /** Answer packages merged, oldest first. */
  imports: { sha256: string; importedAt: string; answersAdded: number; appVersion: string; readerFingerprint: string }[];
};

export type StudyPackages = {
  studyId: number;
  /** This workstation's coordinator key (made on first use); readers compare it when they open a package. */
  coordinatorFingerprint: string;
  /** Every reader assigned to the study, in order of assignment. */
  readers: ReaderPackages[];
};

/** What importing one answer package did. Refusals are errors ('package.untrusted-key' carries detail.fingerprint). */
export type MergeReport = {
  readerName: string;
  site: string | null;
  /** Answer versions added by this import (0 when the package was merged before). */
  added: number;
  /** The same package (by SHA-256) was merged before: nothing changed. */
  alreadyMerged: boolean;
  /** The reader key's fingerprint that signed the package. */
  fingerprint: string;
};

/** The reading workspace the open database is (reader side), for the sign-in screen and "Send answers…". */
export type WorkspaceInfo = {
  /** The study's name as the coordinator gave it. */
  studyName: string;
  readerName: string;
  /** The key that signed the study package: compare with the one the coordinator tells you. */
  coordinatorFingerprint: string;
  /** This data folder's reader key, which signs answer packages: tell it to the coordinator. */
  readerFingerprint: string;
  openedAt: string;
};

/** A study package just opened (packages.open): the workspace, and whether the host now serves it. */
export type WorkspaceOpened = Omit<WorkspaceInfo, 'openedAt'> & {
  /** The host switched to the workspace: this connection closes; reload and sign in. False where it cannot (CLI). */
  switched: boolean;
};
