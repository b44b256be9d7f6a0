"""Create the PostgreSQL database that DATABASE_URL names, when it is missing."""

import os

import psycopg

server, name = os.environ["DATABASE_URL"].rsplit("/", 1)
with psycopg.connect(server + "/postgres", autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        db.execute(f'CREATE DATABASE "{name}"')
