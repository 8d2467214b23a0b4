-- e2esasl credential store for Cyrus SASL's sql auxprop plugin (libsasl2-modules-sql, pgsql).
-- See docs/stores.md. Tested by tests/stores (ctest -R Stores), which loads this file as is.
--
-- One row per (user, realm, property): every auxprop property is a row, so each e2esasl family
-- keeps its own secret (e2esasl-SCRAM-SHA-1/-256/-512, e2esasl-CPACE-R255,
-- e2esasl-OPAQUE-R255) beside Cyrus's userPassword, and a new family needs no schema change.
-- Property names are data here, never SQL identifiers, so their hyphens need no quoting.

CREATE TABLE e2esasl_property (
    username text NOT NULL,
    realm    text NOT NULL,
    property text NOT NULL,
    value    text NOT NULL,
    updated  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, realm, property)
);

COMMENT ON TABLE e2esasl_property IS
    'Cyrus SASL auxprop properties: userPassword and the e2esasl-* secrets, one row each';

-- e2esasl_store: what sql_insert and sql_update run. Cyrus's sql plugin decides between its
-- insert and update statements with a SELECT for property "*", which never matches here, so
-- both statements call this upsert. Deleting a property (saslpasswd2 -d, or a setpass that
-- clears a secret) reaches the database as the text NULL: that value deletes the row. A
-- password that is literally "NULL" therefore cannot be stored as userPassword or CPace
-- secret (docs/stores.md).
CREATE FUNCTION e2esasl_store(p_user text, p_realm text, p_property text, p_value text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_value = 'NULL' THEN
        DELETE FROM e2esasl_property
         WHERE username = p_user AND realm = p_realm AND property = p_property;
    ELSE
        INSERT INTO e2esasl_property (username, realm, property, value)
        VALUES (p_user, p_realm, p_property, p_value)
        ON CONFLICT (username, realm, property)
        DO UPDATE SET value = EXCLUDED.value, updated = now();
    END IF;
END
$$;

-- Two roles: login servers only read; provisioning (saslpasswd2) writes.
CREATE ROLE e2esasl_reader LOGIN;
CREATE ROLE e2esasl_writer LOGIN;
GRANT SELECT ON e2esasl_property TO e2esasl_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON e2esasl_property TO e2esasl_writer;
REVOKE ALL ON FUNCTION e2esasl_store(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION e2esasl_store(text, text, text, text) TO e2esasl_writer;
-- The sql plugin reads a login's properties in one transaction: with REPEATABLE READ they all
-- come from one snapshot, so a login never combines values from before and after a setpass.
ALTER ROLE e2esasl_reader SET default_transaction_isolation = 'repeatable read';
