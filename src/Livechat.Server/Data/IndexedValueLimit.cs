using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Livechat.Server.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Livechat.Server.Data;

/// <summary>
/// A string stored in a key or indexed column (tokens, ids, usernames, emails, phones, catalogue names, custom-field
/// values in the filter index) may hold at most <see cref="Limits.MaxIndexedValueBytes"/> bytes of UTF-8: PostgreSQL
/// refuses index entries beyond about 2.7 kB, and the same rule on SQLite keeps both databases answering alike. A
/// longer value fails the save with the 400 <c>error-value-too-long</c> envelope before anything is written.
/// <para>Checked by <see cref="Events.ChangeInterceptor"/> as the last step before a save, so that the rows the save's
/// conventions add (a room's custom-field index) are checked too.</para>
/// </summary>
public static class IndexedValueLimit
{
    static readonly ConcurrentDictionary<IEntityType, IProperty[]> Indexed = new();

    public static void Check(DbContext context)
    {
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
    /// fits: for writes that insert without the change tracker, where the save's check does not see them.
    /// </summary>
    public static ApiError? TooLong(string property, string? value) =>
        value is not null && value.Length > Limits.MaxIndexedValueBytes / 3 && Encoding.UTF8.GetByteCount(value) > Limits.MaxIndexedValueBytes
            ? ApiError.Coded("error-value-too-long", $"{JsonNamingPolicy.CamelCase.ConvertName(property)} is longer than {Limits.MaxIndexedValueBytes} bytes")
            : null;

    static IProperty[] IndexedStrings(IEntityType type) =>
        type.GetProperties().Where(p => p.ClrType == typeof(string) && (p.IsKey() || p.IsIndex())).ToArray();
}
