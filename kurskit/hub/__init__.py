"""Multi-user mode: JupyterHub in front of kurskit, accounts and roles, PostgreSQL."""
