-- Which statements delivered which attachment content (Data 2.4.11).
--
-- Attachment content is stored once per SHA-2 hash, shared by every statement that declares
-- that hash. A statement may declare an attachment by hash with only a `fileUrl`, without
-- sending its content: with nothing recording who actually sent the bytes, a credential limited
-- to its own statements (`statements/read/mine`) could declare another credential's hash and
-- read that content back through `attachments=true`. The LRS now serves such a credential only
-- the content that one of its own statements delivered.
create table attachment_deliveries (
    sha2 text not null references attachments (sha2) on delete cascade,
    statement_id uuid not null,
    primary key (sha2, statement_id)
);
create index attachment_deliveries_statement on attachment_deliveries (statement_id);

-- Statements stored before this migration: one that declared an attachment without a
-- `fileUrl` must have sent its content (the LRS refuses such a statement otherwise). One with
-- a `fileUrl` may or may not have; it is not counted, which errs on the side of not serving.
insert into attachment_deliveries (sha2, statement_id)
select distinct lower(a ->> 'sha2'), s.id
from statements s
cross join lateral jsonb_array_elements(
    case when jsonb_typeof(s.statement::jsonb -> 'attachments') = 'array'
         then s.statement::jsonb -> 'attachments' else '[]'::jsonb end
) as a
join attachments t on t.sha2 = lower(a ->> 'sha2')
where strpos(s.statement, '"attachments"') > 0
  and not (a ? 'fileUrl')
on conflict do nothing;
