// The coordinator's "Reader study" area: readers, protocols and studies, one tab at a time.
import type { ReaderProfile } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { ProtocolsAdmin } from './protocols-admin.svelte';
import { ReadersAdmin } from './readers-admin.svelte';
import { ModelsAdmin } from './models-admin.svelte';
import { StudiesAdmin } from './studies-admin.svelte';

export type AdminTab = 'readers' | 'protocols' | 'studies' | 'models';

export class AdminState {
  tab = $state<AdminTab>('readers');
  readonly readers: ReadersAdmin;
  readonly protocols: ProtocolsAdmin;
  readonly studies: StudiesAdmin;
  readonly models: ModelsAdmin;

  constructor(api: ApiClient, errors: ErrorState, created: (p: ReaderProfile, passphrase: string) => Promise<void>) {
    this.readers = new ReadersAdmin(api, errors, created);
    this.protocols = new ProtocolsAdmin(api, errors);
    this.studies = new StudiesAdmin(api, errors);
    this.models = new ModelsAdmin(api, errors);
  }

  async open(tab: AdminTab): Promise<void> {
    this.tab = tab;
    if (tab === 'readers') await this.readers.load();
    else if (tab === 'protocols') await this.protocols.load();
    else if (tab === 'models') await this.models.load();
    else {
      // The Studies tab leads back to the list from a study's results.
      this.studies.closeResults();
      await Promise.all([this.studies.load(), this.protocols.load(), this.readers.load()]);
    }
  }
}
