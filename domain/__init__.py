"""The audit's own types and rules, free of the database and of Streamlit: records, roles and
permissions, readiness, the running period, owners, the organisation profile, account and
review records, evidence rules, the action register's rows and the refusal shape. store/ saves
and reads them; services/ and the pages use them."""
