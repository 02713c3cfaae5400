-- The definitions of one Activity in one statement batch, merged in order, by the same rule
-- as `lrs_merge_definition`: the batch insert merges only the definitions of the statements it
-- actually inserted (a re-sent statement is skipped, and its definition must neither be
-- applied again nor take a new statement's definition down with it).
create aggregate lrs_merge_definitions(jsonb) (
    sfunc = lrs_merge_definition,
    stype = jsonb
);
