using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Livechat.Server.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Livechat.Server.Data;

/// <summary>
/// A string stored in a key or indexed column (tokens, ids, usernames, emails, phones, catalogue names, custom-field
/// values in the filter index) may hold at most <see cref="Limits.MaxIndexedValueBytes"/> bytes of UTF-8: PostgreSQL
/// refuses index entries beyond about 2.7 kB, and the same rule on SQLite keeps both databases answering alike. A
/// longer value fails the save with the 400 <c>error-value-too-long</c> envelope before anything is written.
/// </summary>
public sealed class IndexedValueLimit : SaveChangesInterceptor
{
    static readonly ConcurrentDictionary<IEntityType, IProperty[]> Indexed = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    static void Check(DbContext? context)
    {
        if (context is null) return;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            foreach (var property in Indexed.GetOrAdd(entry.Metadata, IndexedStrings))
            {
                if (TooLong(property.Name, entry.Property(property.Name).CurrentValue as string) is { } error) throw error.ToException();
            }
        }
    }

    /// <summary>
    /// The refusal of <paramref name="value"/> for the indexed property <paramref name="property"/>, or null when it
    /// fits: for writes that insert without the change tracker, where this interceptor does not see them.
    /// </summary>
    public static ApiError? TooLong(string property, string? value) =>
        value is not null && value.Length > Limits.MaxIndexedValueBytes / 3 && Encoding.UTF8.GetByteCount(value) > Limits.MaxIndexedValueBytes
            ? ApiError.Coded("error-value-too-long", $"{JsonNamingPolicy.CamelCase.ConvertName(property)} is longer than {Limits.MaxIndexedValueBytes} bytes")
            : null;

    static IProperty[] IndexedStrings(IEntityType type) =>
        type.GetProperties().Where(p => p.ClrType == typeof(string) && (p.IsKey() || p.IsIndex())).ToArray();
}
