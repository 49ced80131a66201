using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Livechat.Server.Data;

/// <summary>
/// Counts the database round trips (commands, transaction begin and commit) of one request. With
/// <c>Diagnostics:DbRoundTripsHeader=true</c> the count is sent back as <c>X-Db-Round-Trips</c>, so tests can pin
/// how many a request costs and a regression shows. Off by default.
/// </summary>
public static class DbRoundTrips
{
    static readonly AsyncLocal<Counter?> Current = new();

    sealed class Counter
    {
        public int Count;
    }

    public static WebApplication UseDbRoundTripsHeader(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Diagnostics:DbRoundTripsHeader"))
        {
            app.Use(CountAsync);
        }
        return app;
    }

    static async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        var counter = new Counter();
        Current.Value = counter;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["X-Db-Round-Trips"] = counter.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        await next(context);
    }

    /// <summary>Counts a statement run outside EF Core's commands (<see cref="SqliteStatementCache"/>, <see cref="PreparedCommands"/>).</summary>
    internal static void Count() => Increment();

    static void Increment()
    {
        if (Current.Value is { } counter) Interlocked.Increment(ref counter.Count);
    }

    /// <summary>The interceptor behind the count; it does nothing when no request is being counted.</summary>
    public sealed class Interceptor : IDbCommandInterceptor, IDbTransactionInterceptor
    {
        public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Increment();
            return result;
        }

        public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Increment();
            return ValueTask.FromResult(result);
        }

        public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Increment();
            return result;
        }

        public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Increment();
            return ValueTask.FromResult(result);
        }

        public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Increment();
            return result;
        }

        public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Increment();
            return ValueTask.FromResult(result);
        }

        // Npgsql sends BEGIN together with the transaction's first command, so only SQLite's BEGIN is a trip of its own.
        public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            if (connection is not Npgsql.NpgsqlConnection) Increment();
            return result;
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            if (connection is not Npgsql.NpgsqlConnection) Increment();
            return ValueTask.FromResult(result);
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Increment();

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Increment();
            return Task.CompletedTask;
        }
    }
}
