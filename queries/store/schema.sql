-- The store: canonical tables of DATA.md, their replaced-row history, and the upload journal.
--
-- Every canonical table carries three columns of the store's own:
--   _key       the row's identity (the export's own id, else a hash of the mapped row plus its
--              occurrence number among identical rows of the same file; see clinic_bi/keys)
--   _batch_id  the upload that wrote this version of the row (batches.batch_id)
--   _row       the row's line number in that upload's file (1 = the file's first line)
-- A row that a later upload brings again moves to <table>__replaced, so removing the later upload
-- can put the earlier version back (clinic_bi/store/__init__.py).
--
-- Personal data never lands here: names and e-mails are dropped at mapping time, phones are kept
-- only as a salted hash (phone_hash).

create table if not exists meta (
    key varchar primary key,
    value varchar not null,
);

create sequence if not exists batch_id_seq start 1;

create table if not exists batches (
    batch_id integer primary key,
    loaded_at timestamp not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    file_size bigint not null,
    kind varchar not null,          -- canonical table the file was loaded into
    profile varchar,                -- profile name used, if any
    mapping json not null,          -- {"export header": "canonical column", ...}
    rows_read integer not null,     -- data rows found in the file (total rows excluded)
    rows_loaded integer not null,   -- rows written (new + replaced)
    rows_new integer not null,
    rows_replaced integer not null, -- rows the store already held, replaced by this upload
    rows_rejected integer not null,
    rows_skipped integer not null,  -- "Итого" / total rows recognised and left out
    period_from date,
    period_to date,
    -- the file against its own «Итого» (clinic_bi/ingest/reconcile.py; null: no total row)
    file_total decimal(18, 2),
    total_source varchar,           -- 'total' or 'subtotals'
    loaded_total decimal(18, 2),    -- the lines loaded
    rejected_total decimal(18, 2),  -- the rejected lines whose amount reads
    rejected_unread integer,        -- rejected lines whose amount does not read
);

create table if not exists rejects (
    batch_id integer not null,
    row_number integer not null,    -- line number in the file
    column_name varchar,            -- canonical column
    value varchar,                  -- the unreadable value (never a name or phone)
    reason varchar not null,
    severity varchar not null,      -- 'rejected' (row not loaded) or 'warning' (loaded, value left empty)
);

create table if not exists profiles (
    name varchar primary key,
    kind varchar not null,
    body json not null,
    saved_at timestamp not null,
);

-- Words the clinic mapped on the Данные page after a load: a CRM stage, an appointment status
-- or a channel's spelling, and what it stands for. The models apply them (and the next load of a
-- file), so a word mapped later changes the figures without uploading anything again.
create table if not exists word_choices (
    field varchar not null,         -- 'stage', 'status' or 'channel'
    word varchar not null,          -- the export's word as a key: lower case, ё as е, single spaces
    canonical varchar not null,     -- stage / status: its canonical value; channel: the channel it joins
    saved_at timestamp not null,
    primary key (field, word),
);

create table if not exists services (
    visit_date date not null,
    patient_id varchar not null,
    doctor varchar,                 -- null where the export has no doctor (DATA.md "services")
    service varchar not null,
    amount decimal(18, 2) not null,
    department varchar,
    visit_id varchar,
    service_code varchar,
    quantity decimal(18, 3) not null,  -- 1 where the export has no quantity
    price decimal(18, 2),
    discount decimal(18, 2),
    paid decimal(18, 2),
    branch varchar,
    duration_min decimal(10, 2),
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists leads (
    lead_id varchar not null,
    created_at timestamp not null,
    channel varchar,
    operator varchar,
    stage varchar,                  -- new / booked / visited / contracted / lost; null if unmapped
    stage_raw varchar,              -- the CRM's own word
    patient_id varchar,
    phone_hash varchar,
    amount decimal(18, 2),
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists appointments (
    appointment_id varchar not null,
    scheduled_at timestamp not null,
    status varchar,                 -- attended / no_show / cancelled / planned; null: a word no list
                                    -- knows (status_raw), until the clinic maps it (word_choices)
    status_raw varchar,
    patient_id varchar,
    doctor varchar,
    department varchar,
    created_at timestamp,
    lead_id varchar,
    started_at timestamp,
    wait_min decimal(10, 2),
    branch varchar,
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists contracts (
    contract_id varchar not null,
    signed_at date not null,
    amount decimal(18, 2) not null,
    patient_id varchar,
    lead_id varchar,
    doctor varchar,
    department varchar,
    prepaid decimal(18, 2),
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists marketing_spend (
    date date not null,             -- a monthly row is dated on the first day of its month
    channel varchar not null,
    amount decimal(18, 2) not null,
    is_monthly boolean not null,    -- the export gave a month, not a day
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists reviews (
    date date not null,
    rating decimal(5, 2) not null,
    rating_scale smallint not null, -- 5 or 10: the largest rating the file's scale allows
    doctor varchar,
    patient_id varchar,
    source varchar,
    text varchar,
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

create table if not exists patients (
    patient_id varchar not null,
    first_visit_date date,
    channel varchar,
    birth_date date,
    gender varchar,                 -- 'f' / 'm'
    created_at timestamp,
    phone_hash varchar,
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

-- The clinic's monthly goals (DATA.md "goals"): loaded from a file or entered on the План page,
-- each a batch of the journal. A goal is keyed by its identity (goal_id: month, scope, name,
-- figure), so a later batch replaces the value and removing it puts the earlier one back.
create table if not exists goals (
    month date not null,            -- the first day of the goal's month
    scope varchar not null,         -- 'clinic', 'department' or 'doctor'
    scope_name varchar,             -- the department's or doctor's name; null for the clinic
    figure varchar not null,        -- 'revenue', 'visits' or 'new_patients'
    value decimal(18, 2),           -- the goal; null: no goal (a goal cleared)
    goal_id varchar not null,       -- 'YYYY-MM|scope|name|figure' (queries/ingest/goals.sql)
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

-- Materials and lab cost of ONE UNIT of a service from a date on (DATA.md "service_costs").
-- Keyed by cost_id (code|service|valid_from|department): a later file with the same service and
-- date replaces the cost, and removing that batch puts the earlier one back.
create table if not exists service_costs (
    service_code varchar,           -- the MIS code (services.service_code), or null
    service varchar,                -- the service name (services.service), or null; one of the two
    cost decimal(18, 2) not null,   -- per unit: a line's materials = cost x quantity
    valid_from date,                -- null: from the beginning
    department varchar,             -- optional: a cost for that department only
    cost_id varchar not null,       -- 'code|service|YYYY-MM-DD|department' (queries/ingest/service_costs.sql)
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

-- How a doctor (or everyone) is paid from a date on (DATA.md "pay_rules"). Keyed by rule_id
-- (doctor|department|role|valid_from): a later file with the same rule replaces it.
create table if not exists pay_rules (
    doctor varchar,                 -- null: every doctor without a rule of their own
    department varchar,             -- null: every department
    basis varchar not null,         -- 'revenue', 'after_materials', 'hour' or 'month'
    rate decimal(18, 4) not null,   -- a fraction for % bases (0.30 = 30 %), rubles for hour / month
    valid_from date,                -- null: from the beginning
    role varchar,                   -- 'doctor' (default) or 'assistant'
    rule_id varchar not null,       -- 'doctor|department|role|YYYY-MM-DD' (queries/ingest/pay_rules.sql)
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

-- A fixed cost of one calendar month (DATA.md "fixed_costs"). Keyed by fixed_cost_id
-- (month|item|department|branch): a later file for the same month and item replaces the amount.
create table if not exists fixed_costs (
    month date not null,            -- the first day of the month
    item varchar not null,          -- "Аренда", "Администраторы" ...
    amount decimal(18, 2) not null,
    department varchar,             -- null: the whole clinic
    branch varchar,                 -- null: every branch
    fixed_cost_id varchar not null, -- 'YYYY-MM|item|department|branch' (queries/ingest/fixed_costs.sql)
    _key varchar not null,
    _batch_id integer not null,
    _row integer not null,
);

-- Rows of an earlier upload that a newer version of the same export no longer has
-- (clinic_bi/ingest/resaved.py): moved to <table>__replaced like a replaced row, and listed here
-- under the upload that superseded them, so removing that upload puts them back.
create table if not exists superseded_rows (
    kind varchar not null,          -- the canonical table
    batch_id integer not null,      -- the upload whose file no longer has the row
    _key varchar not null,
    _batch_id integer not null,     -- the upload the row came from
);

create table if not exists services__replaced as select * from services limit 0;
create table if not exists leads__replaced as select * from leads limit 0;
create table if not exists appointments__replaced as select * from appointments limit 0;
create table if not exists contracts__replaced as select * from contracts limit 0;
create table if not exists marketing_spend__replaced as select * from marketing_spend limit 0;
create table if not exists reviews__replaced as select * from reviews limit 0;
create table if not exists patients__replaced as select * from patients limit 0;
create table if not exists goals__replaced as select * from goals limit 0;
create table if not exists service_costs__replaced as select * from service_costs limit 0;
create table if not exists pay_rules__replaced as select * from pay_rules limit 0;
create table if not exists fixed_costs__replaced as select * from fixed_costs limit 0;
