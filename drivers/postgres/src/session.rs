//! The client behind a [`crate::PostgresConnection`]: `tokio-postgres` on a runtime of its
//! own, driven one call at a time as the blocking `postgres` crate does and, unlike it,
//! able to send several statements before reading any result (pipelining).

use crate::connection::db_error;
use crate::params::TextParam;
use postgres::types::{Kind, ToSql, Type};
use postgres::{Error, Row, SimpleQueryMessage, Statement};
use retort_core::dialect::{DbError, Statement as Sql};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use tokio::runtime::Runtime;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{Config, Socket, ToStatement};

/// A connected client and the runtime that carries its messages.
///
/// Dropping it closes the socket (fields drop in order: the client, then the runtime and
/// the connection task with it), as a client that exits does.
pub(crate) struct Session {
    client: tokio_postgres::Client,
    runtime: Runtime,
}

type Pending<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

impl Session {
    /// Connects as `config` says; `context` starts the message of a failure.
    pub(crate) fn connect<T>(config: &Config, tls: T, context: &str) -> Result<Session, DbError>
    where
        T: MakeTlsConnect<Socket> + 'static + Send,
        T::Stream: Send + 'static,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbError::new(format!("{context}: cannot start the client: {e}")))?;
        let (client, connection) = runtime
            .block_on(config.connect(tls))
            .map_err(|e| db_error(context, &e))?;
        // A current-thread runtime runs this task only inside `block_on`, that is while a
        // call waits for the server, which is when messages must flow.
        runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(Session { client, runtime })
    }

    fn run<'a, T>(
        &'a self,
        call: impl FnOnce(
            &'a tokio_postgres::Client,
        ) -> Pin<Box<dyn Future<Output = Result<T, Error>> + 'a>>,
    ) -> Result<T, Error> {
        self.runtime.block_on(call(&self.client))
    }

    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.run(|c| Box::pin(c.batch_execute(sql)))
    }

    pub(crate) fn simple_query(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>, Error> {
        self.run(|c| Box::pin(c.simple_query(sql)))
    }

    pub(crate) fn prepare(&mut self, sql: &str) -> Result<Statement, Error> {
        self.run(|c| Box::pin(c.prepare(sql)))
    }

    pub(crate) fn query<T: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        self.run(|c| Box::pin(c.query(statement, params)))
    }

    pub(crate) fn query_one<T: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, Error> {
        self.run(|c| Box::pin(c.query_one(statement, params)))
    }

    pub(crate) fn execute<T: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &T,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, Error> {
        self.run(|c| Box::pin(c.execute(statement, params)))
    }

    /// Sends every statement before reading any result, then reads each result in turn:
    /// one round trip. Statements without values go through the simple protocol, as
    /// [`crate::PostgresConnection`] runs them one at a time; those with values through
    /// the extended protocol, each value bound as text for the type the server infers
    /// (there is no round trip to learn it first). The server answers in order, so after
    /// a failure the statements after it fail too (the transaction is aborted): the first
    /// error is the one that counts.
    pub(crate) fn pipeline(&mut self, statements: &[Sql]) -> Vec<Result<(), Error>> {
        let client = &self.client;
        let unspecified = Type::new("unspecified".into(), 0, Kind::Simple, "pg_catalog".into());
        let texts: Vec<Vec<TextParam<'_>>> = statements
            .iter()
            .map(|s| s.params.iter().map(TextParam).collect())
            .collect();
        let typed: Vec<Vec<(&(dyn ToSql + Sync), Type)>> = texts
            .iter()
            .map(|params| {
                params
                    .iter()
                    .map(|p| (p as &(dyn ToSql + Sync), unspecified.clone()))
                    .collect()
            })
            .collect();
        let mut pending: Vec<Option<Pending<'_>>> = statements
            .iter()
            .zip(&typed)
            .map(|(statement, params)| {
                let future: Pending<'_> = if statement.params.is_empty() {
                    Box::pin(client.batch_execute(&statement.sql))
                } else {
                    Box::pin(
                        async move { client.query_typed(&statement.sql, params).await.map(|_| ()) },
                    )
                };
                Some(future)
            })
            .collect();
        let mut results: Vec<Option<Result<(), Error>>> = statements.iter().map(|_| None).collect();
        // Each future sends its messages the first time it is polled: polling them in
        // order puts the statements on the wire in order.
        self.runtime.block_on(std::future::poll_fn(|cx| {
            let mut waiting = false;
            for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
                if let Some(future) = slot {
                    match future.as_mut().poll(cx) {
                        Poll::Ready(outcome) => {
                            *result = Some(outcome);
                            *slot = None;
                        }
                        Poll::Pending => waiting = true,
                    }
                }
            }
            if waiting {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        }));
        results.into_iter().flatten().collect()
    }
}
