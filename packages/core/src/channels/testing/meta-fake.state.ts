export type MetaFakePlatform = 'facebook' | 'instagram';

export interface MetaFakePerson {
  /** Page-scoped id (PSID) on Facebook, Instagram-scoped id (IGSID) on Instagram. */
  id: string;
  name: string;
  username: string;
  platform: MetaFakePlatform;
  /** When this person last messaged the account (ms), for the messaging window. */
  lastMessageAt: number | null;
}

export interface MetaFakeComment {
  id: string;
  platform: MetaFakePlatform;
  /** Post id (Facebook) or media id (Instagram). */
  objectId: string;
  parentId: string | null;
  fromId: string;
  text: string;
}

/** What the fake saw the brand send, for tests to assert on. */
export type MetaSentRecord =
  | { kind: 'comment-reply'; platform: MetaFakePlatform; id: string; parentCommentId: string; text: string }
  | { kind: 'message'; id: string; recipientId: string; messagingType: string; tag: string | null; text: string };

/** People, posts, comments, sends and usage of the fake Meta Graph. */
export class MetaFakeState {
  readonly people = new Map<string, MetaFakePerson>();
  readonly comments = new Map<string, MetaFakeComment>();
  readonly objects = new Set<string>();
  readonly sent: MetaSentRecord[] = [];
  private counter = 0;
  private calls: number[] = [];
  callBudgetPerHour = 200;

  constructor(
    readonly now: () => number,
    readonly pageId: string,
    readonly igUserId: string,
  ) {}

  nextNumber(): string {
    this.counter += 1;
    return String(10_000_000 + this.counter);
  }

  addPerson(p: { name: string; username?: string; platform: MetaFakePlatform; id?: string }): MetaFakePerson {
    const prefix = p.platform === 'facebook' ? '24' : '17';
    const person: MetaFakePerson = { id: p.id ?? `${prefix}${this.nextNumber()}`, name: p.name, username: p.username ?? p.name.toLowerCase().replace(/\W+/g, '_'), platform: p.platform, lastMessageAt: null };
    this.people.set(person.id, person);
    return person;
  }

  /** A brand post (Facebook: "<page>_<n>") or media item (Instagram) that people comment on. */
  addObject(platform: MetaFakePlatform): string {
    const id = platform === 'facebook' ? `${this.pageId}_${this.nextNumber()}` : `179${this.nextNumber()}`;
    this.objects.add(id);
    return id;
  }

  addComment(c: Omit<MetaFakeComment, 'id'>): MetaFakeComment {
    const n = this.nextNumber();
    const id = c.platform === 'facebook' ? `${c.objectId.split('_')[1] ?? c.objectId}_${n}` : `178${n}`;
    const comment = { ...c, id };
    this.comments.set(id, comment);
    return comment;
  }

  /** Share of the hourly call budget used (percent), as the usage headers report it. */
  recordCall(): number {
    const t = this.now();
    this.calls = this.calls.filter((c) => c > t - 3_600_000);
    this.calls.push(t);
    return Math.min(100, Math.round((this.calls.length / this.callBudgetPerHour) * 100));
  }
}
