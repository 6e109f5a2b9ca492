from django.db import migrations

# A search for a common word matches most documents ("detox": 8,500 of 10,000
# topics), and ranking them all read and decompressed every matching document
# (3 KB each) twice: once to match, once to rank. ts_rank and @@ only look at
# the query's lexemes, so each document is also stored split by lexeme: one
# row per (lexeme, item) holding that lexeme's positions and weights. A search
# reads the query's lexemes from one covering index and ranks tiny vectors,
# with the same results as on the whole document. Lexemes longer than
# MAX_TERM_BYTES are left out (the index's tuple size is bounded); a query
# naming one falls back to the whole documents (content/search.py).
#
# Each row also stores its rank for a query of that one lexeme, so a one-word
# search reads its best items in index order. RANK_WEIGHTS must be
# content/search.py's (a test compares the stored ranks with ts_rank's).
MAX_TERM_BYTES = 255
RANK_WEIGHTS = "{0.2,0.2,0.4,1.0}"  # D, C, B, A

INSTALL = rf"""
CREATE TABLE content_searchterm (
    kind text NOT NULL,
    item_id bigint NOT NULL,
    lexeme text NOT NULL,
    entry tsvector NOT NULL,
    rank real NOT NULL
);

-- One single-lexeme vector per lexeme of the document, positions and weights
-- kept, built in tsvector's text form ('word':1A,7,12B), and its rank for a
-- query of that word alone.
CREATE FUNCTION content_search_entries(document tsvector)
RETURNS TABLE (lexeme text, entry tsvector, rank real)
LANGUAGE sql IMMUTABLE AS $$
    SELECT term.lexeme, term.entry,
        ts_rank('{RANK_WEIGHTS}', term.entry, term.word::tsquery)
    FROM (
        SELECT u.lexeme, quoted.word, (
            quoted.word || coalesce(':' || (
                SELECT string_agg(
                    x.pos || CASE x.weight WHEN 'D' THEN '' ELSE x.weight END,
                    ',' ORDER BY x.pos
                )
                FROM unnest(u.positions, u.weights) AS x(pos, weight)
            ), '')
        )::tsvector AS entry
        FROM unnest(document) AS u, LATERAL (
            SELECT '''' || replace(replace(u.lexeme, '\', '\\'), '''', '''''')
                || '''' AS word
        ) AS quoted
        WHERE octet_length(u.lexeme) <= {MAX_TERM_BYTES}
    ) AS term
$$;

-- Only lexemes whose positions changed are rewritten: adding a section to a
-- topic touches its new words, not the few hundred others.
CREATE FUNCTION content_searchdocument_terms_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    item content_searchdocument;
    item_kind text;
    item_key bigint;
    gone record;
    old_document tsvector := '';
    new_document tsvector := '';
BEGIN
    IF TG_OP = 'DELETE' THEN
        item := OLD;
    ELSE
        item := NEW;
        new_document := NEW.document;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_document := OLD.document;
    END IF;
    IF old_document = new_document THEN
        RETURN NULL;
    END IF;
    item_kind := CASE
        WHEN item.topic_id IS NOT NULL THEN 'topic'
        WHEN item.comparison_id IS NOT NULL THEN 'comparison'
        ELSE 'faq'
    END;
    item_key := coalesce(item.topic_id, item.comparison_id, item.faq_id);
    -- Row by row through the index: as one join, the planner cannot tell
    -- how few rows go and may scan the whole table on every write.
    FOR gone IN
        SELECT * FROM content_search_entries(old_document)
        EXCEPT SELECT * FROM content_search_entries(new_document)
    LOOP
        DELETE FROM content_searchterm term
        WHERE term.lexeme = gone.lexeme AND term.kind = item_kind
            AND term.rank = gone.rank AND term.item_id = item_key;
    END LOOP;
    INSERT INTO content_searchterm (kind, item_id, lexeme, entry, rank)
    SELECT item_kind, item_key, added.lexeme, added.entry, added.rank
    FROM (
        SELECT * FROM content_search_entries(new_document)
        EXCEPT SELECT * FROM content_search_entries(old_document)
    ) AS added;
    RETURN NULL;
END $$;

CREATE TRIGGER content_searchdocument_terms AFTER INSERT OR UPDATE OR DELETE
ON content_searchdocument FOR EACH ROW
EXECUTE FUNCTION content_searchdocument_terms_trigger();

INSERT INTO content_searchterm (kind, item_id, lexeme, entry, rank)
SELECT
    CASE
        WHEN document.topic_id IS NOT NULL THEN 'topic'
        WHEN document.comparison_id IS NOT NULL THEN 'comparison'
        ELSE 'faq'
    END,
    coalesce(document.topic_id, document.comparison_id, document.faq_id),
    entry.lexeme,
    entry.entry,
    entry.rank
FROM content_searchdocument document,
    content_search_entries(document.document) AS entry;

-- Built after the rows are in: a sorted build, a third of the size.
-- In rank order: a one-word search reads the first rows of its lexeme.
CREATE UNIQUE INDEX content_searchterm_lexeme
ON content_searchterm (lexeme, kind, rank DESC, item_id) INCLUDE (entry);
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS content_searchdocument_terms ON content_searchdocument;
DROP FUNCTION IF EXISTS content_searchdocument_terms_trigger();
DROP FUNCTION IF EXISTS content_search_entries(tsvector);
DROP TABLE IF EXISTS content_searchterm;
"""


def run_on_postgresql(sql: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Several statements, no parameters: one plain execute.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0013_criterion_shown_with_review"),
    ]
    operations = [
        migrations.RunPython(run_on_postgresql(INSTALL), run_on_postgresql(UNINSTALL)),
    ]
