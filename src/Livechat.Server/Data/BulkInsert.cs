using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Livechat.Server.Data;

/// <summary>
/// Streams many rows of one entity type into its table, fast, for seeding: PostgreSQL's binary COPY, or one prepared
/// INSERT per row inside large SQLite transactions. Columns and value conversions come from the EF model, so the rows
/// are exactly what <c>SaveChanges</c> would write.
/// </summary>
public static class BulkInsert
{
    const int SqliteRowsPerTransaction = 50_000;

    public static async Task InsertAsync<T>(LivechatDb db, IEnumerable<T> rows, CancellationToken ct = default) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        // Database-generated keys (identity columns) are left to the database.
        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsKey()).ToList();
        var names = columns.Select(p => p.GetColumnName(store)!).ToList();

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.IsPostgres)
            {
                await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), table, columns, names, rows, store, ct);
            }
            else
            {
                await InsertSqliteAsync(db.Database.GetDbConnection(), table, columns, names, rows, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    static async Task CopyAsync<T>(NpgsqlConnection connection, string table, List<IProperty> columns, List<string> names,
        IEnumerable<T> rows, StoreObjectIdentifier store, CancellationToken ct) where T : class
    {
        var types = columns.Select(p => p.GetColumnType(store)).ToList();
        var command = $"COPY \"{table}\" ({string.Join(", ", names.Select(n => $"\"{n}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var writer = await connection.BeginBinaryImportAsync(command, ct);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = ProviderValue(columns[i], row);
                if (value is null)
                {
                    await writer.WriteNullAsync(ct);
                }
                else
                {
                    await writer.WriteAsync(value, types[i], ct);
                }
            }
        }
        await writer.CompleteAsync(ct);
    }

    static async Task InsertSqliteAsync<T>(DbConnection connection, string table, List<IProperty> columns, List<string> names,
        IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        await using (var pragmas = connection.CreateCommand())
        {
            // A seed fills a fresh database: no fsync per commit, a large page cache, checkpoints at the end.
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=0;";
            await pragmas.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", names.Select(n => $"\"{n}\""))}) " +
            $"VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i}"))})";
        var parameters = names.Select((_, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"$p{i}";
            command.Parameters.Add(parameter);
            return parameter;
        }).ToList();

        DbTransaction? transaction = null;
        var inTransaction = 0;
        try
        {
            foreach (var row in rows)
            {
                if (transaction is null)
                {
                    transaction = await connection.BeginTransactionAsync(ct);
                    command.Transaction = transaction;
                }
                for (var i = 0; i < columns.Count; i++)
                {
                    parameters[i].Value = ProviderValue(columns[i], row) ?? DBNull.Value;
                }
                await command.ExecuteNonQueryAsync(ct);
                if (++inTransaction == SqliteRowsPerTransaction)
                {
                    await transaction.CommitAsync(ct);
                    await transaction.DisposeAsync();
                    transaction = null;
                    inTransaction = 0;
                }
            }
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    /// <summary>The value as the provider stores it (after the model's value converter).</summary>
    static object? ProviderValue(IProperty property, object row)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
        if (value is null) return null;
        var converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
        return converter is null ? value : converter.ConvertToProvider(value);
    }
}
