-- A statement insert runs as one SQL statement without a transaction around it when nothing
-- in the batch needs checking after the insert (src/store/statements/insert.rs). When
-- something does (an id already stored, a stored statement that targets one of the new ones),
-- this aborts that statement, so that nothing of it is committed, and the LRS stores the batch
-- again in a transaction that runs the checks. SQLSTATE LRS01 is how the LRS recognises it.
create function lrs_needs_transaction() returns boolean
language plpgsql volatile as $$
begin
    raise exception using
        errcode = 'LRS01',
        message = 'this statement batch needs the checks of a transaction';
end
$$;
