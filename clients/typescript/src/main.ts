/**
 * A front-end developer's program, written from the committed contract only.
 *
 * It pages the topics, renders a topic page and the comparison table, runs the
 * decision helper, searches, reads the JSON-LD, keeps an offline copy from the
 * snapshot and the change feed, meets the error type and revalidates with a 304: every operation of API v1, with no casts, no `any`
 * and no non-null assertions, so `tsc --strict` fails whenever the contract
 * stops describing what the server sends.
 *
 *   node dist/main.js http://127.0.0.1:8000
 */
import createClient from "openapi-fetch";

import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
type Problem = Schemas["Problem"];
type Review = Schemas["Review"];
type TopicLink = Schemas["TopicLink"];
type Answer = Schemas["AssessmentAnswerEnum"];
// A 304 is part of the contract: this fails to compile if it ever is not.
type NotModified =
  paths["/api/v1/topics/{slug}/"]["get"]["responses"][304]["headers"];

type Result<T> =
  | { data: T; error?: never; response: Response }
  | { data?: never; error: Problem; response: Response };

const TOPIC = "heroin-rehab";
const COMPARISON = "inpatient-vs-outpatient-heroin-rehab";

const baseUrl = process.argv[2];
if (baseUrl === undefined) {
  throw new Error("Usage: node dist/main.js <base URL of the API's server>");
}
const api = createClient<paths>({ baseUrl });
const page: string[] = [];

function show(...parts: (string | number | null)[]): void {
  page.push(parts.map((part) => (part === null ? "-" : String(part))).join(" "));
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(`Contract check failed: ${message}`);
  }
}

function describe(problem: Problem): string {
  const fields = (problem.errors ?? []).map(
    (error) => `${error.field}: ${error.message}`,
  );
  return `${problem.status} ${problem.title}: ${problem.detail} [${fields.join("; ")}]`;
}

/** The body of a success, or the problem as an exception. */
function body<T>(result: Result<T>, what: string): T {
  if (result.error !== undefined) {
    throw new Error(`${what}: ${describe(result.error)}`);
  }
  check(result.response.headers.get("X-Request-ID") !== null, `${what}: request id`);
  return result.data;
}

function showReview(review: Review): void {
  const reviewer = review.reviewed_by;
  show(
    "  reviewed",
    review.last_reviewed_on,
    "by",
    reviewer === null ? null : `${reviewer.name} ${reviewer.credentials}`.trim(),
    "next due",
    review.next_review_due,
  );
}

/** A null grade means the text was too short to grade. */
function showReadingGrade(grade: number | null): void {
  show("  reading grade", grade === null ? "not graded" : grade.toFixed(1));
}

function showLinks(label: string, links: readonly TopicLink[]): void {
  show(`  ${label}:`, links.map((link) => `${link.title} <${link.url}>`).join(", "));
}

async function root(): Promise<void> {
  const links = body(await api.GET("/api/v1/"), "root");
  show("API:", links.topics, links.comparisons, links.faqs, links.resources);
  show("Docs:", links.search, links.schema, links.docs, links.redoc);
}

async function topicsPageByPage(): Promise<void> {
  let offset = 0;
  let seen = 0;
  for (;;) {
    const topics = body(
      await api.GET("/api/v1/topics/", {
        params: { query: { limit: 2, offset, ordering: "title" } },
      }),
      "topics",
    );
    for (const topic of topics.results) {
      show("Topic", topic.title, "-", topic.summary, "under", topic.parent?.title ?? null);
      show("  ", topic.url, "updated", topic.updated_at);
      showReview(topic.review);
    }
    seen += topics.results.length;
    if (topics.next === null) {
      break;
    }
    offset += topics.results.length;
  }
  const first = body(await api.GET("/api/v1/topics/", {}), "topics");
  check(first.previous === null && seen === first.count, "paging covers every topic");
}

/** The topic page; answers its ETag so the page can be revalidated. */
async function topicPage(): Promise<string> {
  const result = await api.GET("/api/v1/topics/{slug}/", {
    params: { path: { slug: TOPIC } },
  });
  const topic = body(result, "topic");
  show("#", topic.title, "-", topic.summary);
  show(topic.body.html.length, "characters of HTML;", topic.body.text.slice(0, 60));
  for (const section of topic.sections) {
    show(`  ## ${section.heading} (#${section.anchor})`, section.body.text.slice(0, 40));
  }
  for (const faq of topic.faqs) {
    show("  Q:", faq.question, "A:", faq.answer.text.slice(0, 40), faq.url);
  }
  for (const comparison of topic.comparisons) {
    show("  Compare:", comparison.title, "-", comparison.summary, comparison.url);
  }
  show("  Part of:", topic.parent === null ? null : topic.parent.title);
  showLinks("Sub-topics", topic.children);
  showLinks("Related", topic.related_topics);
  for (const source of topic.sources) {
    show("  Source:", source.title, "-", source.publisher, source.link, source.statement);
  }
  showReview(topic.review);
  showReadingGrade(topic.reading_grade);
  show("  Cite as", topic.canonical_url, "created", topic.created_at, "updated", topic.updated_at);
  const etag = result.response.headers.get("ETag");
  const lastModified = result.response.headers.get("Last-Modified");
  const cacheControl = result.response.headers.get("Cache-Control");
  check(etag !== null && lastModified !== null, "validators on the topic");
  show("  Cached as", etag, "modified", lastModified, "policy", cacheControl);
  return etag;
}

async function revalidate(etag: string): Promise<void> {
  const again = await api.GET("/api/v1/topics/{slug}/", {
    params: { path: { slug: TOPIC }, header: { "If-None-Match": etag } },
  });
  // openapi-fetch types only 2xx as data and 4xx/5xx as error: a 304 is read
  // from the status before either.
  check(again.response.status === 304, `304 expected, got ${again.response.status}`);
  const headers: Record<keyof Pick<NotModified, "ETag">, string | null> = {
    ETag: again.response.headers.get("ETag"),
  };
  check(headers.ETag === etag, "the 304 repeats the ETag");
  show("Revalidated", TOPIC, "-> 304 Not Modified; keep the cached page");
}

async function jsonLd(): Promise<void> {
  const faqPage = body(
    await api.GET("/api/v1/topics/{slug}/faqpage/", { params: { path: { slug: TOPIC } } }),
    "topic FAQPage",
  );
  show(faqPage["@type"], faqPage.name, faqPage.url, faqPage.inLanguage, faqPage.dateModified);
  for (const question of faqPage.mainEntity) {
    show("  ", question.name, "->", question.acceptedAnswer.text.slice(0, 40));
  }
  show("  reviewed", faqPage.lastReviewed ?? null, "by", faqPage.reviewedBy?.name ?? null);

  const webPage = body(
    await api.GET("/api/v1/topics/{slug}/medicalwebpage/", {
      params: { path: { slug: TOPIC } },
    }),
    "MedicalWebPage",
  );
  show(webPage["@context"], webPage["@type"], webPage.name, "about", webPage.about.name);
  show("  ", webPage.description, webPage.url);
  for (const citation of webPage.citation) {
    show("  cites", citation.name, "by", citation.publisher.name, citation.url ?? null);
  }
  const faqs = webPage.mainEntity;
  show("  main entity", faqs["@type"], faqs.name, faqs.mainEntity.length, "questions");

  const comparisonFaqs = body(
    await api.GET("/api/v1/comparisons/{slug}/faqpage/", {
      params: { path: { slug: COMPARISON } },
    }),
    "comparison FAQPage",
  );
  const first = comparisonFaqs.mainEntity[0];
  show(comparisonFaqs.name, first === undefined ? null : first.acceptedAnswer.text);
}

async function widgets(): Promise<void> {
  // What the script widget fetches: one response with everything it shows.
  const topicWidget = body(
    await api.GET("/api/v1/topics/{slug}/widget/", { params: { path: { slug: TOPIC } } }),
    "topic widget",
  );
  check(topicWidget.html.includes("<details>"), "the widget lists questions");
  show("Widget", topicWidget.title, topicWidget.reader_url, topicWidget.html.length, "bytes");
  show("  JSON-LD", topicWidget.jsonld["@type"], topicWidget.jsonld.mainEntity.length, "questions");
  const comparisonWidget = body(
    await api.GET("/api/v1/comparisons/{slug}/widget/", {
      params: { path: { slug: COMPARISON } },
    }),
    "comparison widget",
  );
  show("Widget", comparisonWidget.title, comparisonWidget.jsonld.name);
}

async function comparisonPage(): Promise<void> {
  const list = body(
    await api.GET("/api/v1/comparisons/", { params: { query: { topic: TOPIC } } }),
    "comparisons",
  );
  for (const item of list.results) {
    show("Comparison", item.title, "of", item.topic.title, "-", item.summary);
    show("  options", item.options.map((option) => `${option.key}=${option.name}`).join(", "));
    show("  ", item.url, item.updated_at);
    showReview(item.review);
  }
  const comparison = body(
    await api.GET("/api/v1/comparisons/{slug}/", { params: { path: { slug: COMPARISON } } }),
    "comparison",
  );
  show("#", comparison.title, "of", comparison.topic.title, comparison.canonical_url);
  show(comparison.introduction.text.slice(0, 60), "...", comparison.conclusion.text.slice(0, 60));
  for (const option of comparison.options) {
    show(`  ${option.name} (${option.key}):`, option.summary);
    show("    described in", option.topic === null ? null : option.topic.title);
    show("    +", option.benefits.join(" | "));
    show("    -", option.drawbacks.join(" | "));
    show("    ", option.favoured_lead, "/", option.required_lead);
  }
  const columns = comparison.options.map((option) => option.key);
  show("  | aspect |", columns.join(" | "), "|");
  for (const row of comparison.table) {
    const text = new Map(row.cells.map((cell) => [cell.option, cell.text]));
    show(`  | ${row.name} (${row.key}) |`, columns.map((key) => text.get(key) ?? "").join(" | "), "|");
  }
  for (const criterion of comparison.criteria) {
    show("  ?", criterion.key, criterion.question, criterion.help_text);
    for (const effect of criterion.effects) {
      show("    ", effect.answer, effect.effect, effect.option, "-", effect.reason);
    }
  }
  for (const faq of comparison.faqs) {
    show("  Q:", faq.id, faq.question, faq.answer.html.length);
  }
  show("  sources", comparison.sources.length, comparison.url, comparison.created_at, comparison.updated_at);
  showReview(comparison.review);
  showReadingGrade(comparison.reading_grade);
}

async function decisionHelper(): Promise<void> {
  const questionnaire = body(
    await api.GET("/api/v1/comparisons/{slug}/assessment/", {
      params: { path: { slug: COMPARISON } },
    }),
    "questionnaire",
  );
  show("Decide:", questionnaire.comparison.title, questionnaire.comparison.url);
  const answers: Record<string, Answer> = {};
  for (const [index, question] of questionnaire.questions.entries()) {
    show("  ?", question.key, question.question, question.help_text, question.answers.join("/"));
    const answer = question.answers[index % question.answers.length];
    if (answer !== undefined) {
      answers[question.key] = answer;
    }
  }
  const result = await api.POST("/api/v1/comparisons/{slug}/assessment/", {
    params: { path: { slug: COMPARISON } },
    body: { answers },
  });
  const assessment = body(result, "assessment");
  check(result.response.headers.get("Cache-Control") === "no-store", "assessment not stored");
  show(assessment.summary);
  for (const option of assessment.options) {
    show("  ", option.key, option.name, option.verdict, "unanswered", option.unanswered.join(","));
    for (const reason of [...option.favoured_by, ...option.ruled_out_by]) {
      show("    ", reason.criterion, reason.question, reason.answer, "-", reason.reason);
    }
  }
  show("  ranking", assessment.ranking.join(" > "), "-", assessment.disclaimer);
  for (const resource of assessment.help) {
    show("  help:", resource.name, resource.phone, resource.text_number, resource.availability);
  }
}

async function faqsAndResources(): Promise<void> {
  const faqs = body(
    await api.GET("/api/v1/faqs/", { params: { query: { topic: TOPIC, limit: 3 } } }),
    "FAQs",
  );
  for (const faq of faqs.results) {
    show("FAQ", faq.id, faq.question, "in", faq.topic_link.title, `(${faq.topic})`);
    show("  ", faq.answer.text.slice(0, 40), faq.comparison, faq.position, faq.url, faq.updated_at);
    showReview(faq.review);
  }
  const first = faqs.results[0];
  check(first !== undefined, "the topic has FAQs");
  const faq = body(
    await api.GET("/api/v1/faqs/{id}/", { params: { path: { id: first.id } } }),
    "FAQ",
  );
  check(faq.question === first.question, "the FAQ's own URL gives the same FAQ");

  const resources = body(
    await api.GET("/api/v1/resources/", {
      params: { query: { region: "CA", kind: "helpline", updated_since: "2000-01-01T00:00:00Z" } },
    }),
    "resources",
  );
  for (const resource of resources.results) {
    show("Help:", resource.name, resource.kind, resource.region, resource.website);
    show("  call", resource.phone, "text", resource.text_number, "when", resource.availability);
    show("  ", resource.description.text.slice(0, 40), resource.keywords.join(","), resource.url);
    showReview(resource.review);
  }
  const listed = resources.results[0];
  check(listed !== undefined, "a national helpline answers for CA");
  const resource = body(
    await api.GET("/api/v1/resources/{slug}/", { params: { path: { slug: listed.slug } } }),
    "resource",
  );
  check(resource.phone === listed.phone, "the resource's own URL gives the same resource");
}

async function search(): Promise<void> {
  const found = body(
    await api.GET("/api/v1/search/", { params: { query: { q: "detox", limit: 5, offset: 0 } } }),
    "search",
  );
  show("Search 'detox':", found.count, "hits; next page", found.next, "previous", found.previous);
  for (const hit of found.results) {
    show("  ", hit.type, hit.title, hit.rank.toFixed(3), hit.snippet.slice(0, 40), hit.url);
    if (hit.type === "faq" && hit.id !== null) {
      const faq = body(await api.GET("/api/v1/faqs/{id}/", { params: { path: { id: hit.id } } }), "hit");
      check(faq.question === hit.title, "an FAQ hit names its FAQ");
    } else if (hit.type === "topic" && hit.slug !== null) {
      const topic = body(
        await api.GET("/api/v1/topics/{slug}/", { params: { path: { slug: hit.slug } } }),
        "hit",
      );
      check(topic.title === hit.title, "a topic hit names its topic");
    } else if (hit.type === "comparison" && hit.slug !== null) {
      const comparison = body(
        await api.GET("/api/v1/comparisons/{slug}/", { params: { path: { slug: hit.slug } } }),
        "hit",
      );
      check(comparison.title === hit.title, "a comparison hit names its comparison");
    } else {
      throw new Error(`A ${hit.type} hit without its slug or id`);
    }
  }
}

/**
 * An offline copy, as an app keeps one: the snapshot installs every published
 * item at once, then the change feed says what to fetch again and what to
 * delete. The copy maps each detail URL to the ETag its document has.
 */
async function offlineCopy(): Promise<void> {
  const snapshot = body(await api.GET("/api/v1/snapshot/"), "snapshot");
  check(snapshot.format === "rehabinfo-snapshot", "a snapshot names its format");
  check(snapshot.version === 1, "this program reads snapshots of version 1");
  const copy = new Map<string, string>();
  for (const document of snapshot.documents) {
    copy.set(document.url, document.etag);
    if (document.kind === "topic" && "sections" in document.body) {
      show("Offline:", document.body.title, document.body.sections.length, "sections");
    }
  }
  show("Snapshot:", snapshot.documents.length, "documents, created", snapshot.created_at);

  let cursor = snapshot.cursor;
  for (;;) {
    const changes = body(
      await api.GET("/api/v1/changes/", { params: { query: { since: cursor, limit: 50 } } }),
      "changes",
    );
    for (const change of changes.entries) {
      show("  change", change.type, change.kind, change.lookup, change.at);
      if (change.type === "unpublished" || change.type === "deleted") {
        copy.delete(change.url); // A tombstone: the content is withdrawn.
      } else if (change.etag !== null && copy.get(change.url) !== change.etag) {
        copy.set(change.url, change.etag); // An app fetches change.url here.
      }
    }
    cursor = changes.next;
    if (!changes.more) {
      check(changes.snapshot.endsWith("/api/v1/snapshot/"), "the feed links its snapshot");
      break;
    }
  }
  const listed = body(await api.GET("/api/v1/topics/", {}), "topics");
  for (const topic of listed.results) {
    check(copy.has(topic.url), `the offline copy holds ${topic.slug}`);
  }

  const now = body(await api.GET("/api/v1/changes/", {}), "changes");
  check(now.entries.length === 0 && !now.more, "a first read starts at now");
  const bad = await api.GET("/api/v1/changes/", { params: { query: { since: "not-a-cursor" } } });
  check(bad.error !== undefined, "a malformed cursor is an error");
  const fields = (bad.error.errors ?? []).map((error) => error.field);
  check(fields.includes("since"), "the problem names the cursor");
  show("Feed:", copy.size, "items in sync; error", describe(bad.error));
}

async function errors(): Promise<void> {
  const missing = await api.GET("/api/v1/topics/{slug}/", {
    params: { path: { slug: "no-such-topic" } },
  });
  check(missing.error !== undefined, "an unknown topic is an error");
  check(missing.error.status === 404, "an unknown topic is a 404");
  show("Error:", describe(missing.error));

  const tooMany = await api.GET("/api/v1/topics/", { params: { query: { limit: 500 } } });
  check(tooMany.error !== undefined, "limit over 100 is an error");
  const fields = (tooMany.error.errors ?? []).map((error) => error.field);
  check(fields.includes("limit"), "the problem names the parameter");
  show("Error:", describe(tooMany.error), "request", tooMany.response.headers.get("X-Request-ID"));
}

await root();
await topicsPageByPage();
const etag = await topicPage();
await revalidate(etag);
await jsonLd();
await widgets();
await comparisonPage();
await decisionHelper();
await faqsAndResources();
await search();
await offlineCopy();
await errors();
console.log(page.join("\n"));
console.log(`\nEvery operation answered as the contract says (${page.length} lines).`);
