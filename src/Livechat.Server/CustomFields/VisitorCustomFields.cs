using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.CustomFields;

public sealed record VisitorFieldEntry(string Key, string Value, bool Overwrite);

/// <summary>
/// The widget's <c>livechat/custom.field(s)</c>: a visitor-scope value goes to the visitor, a room-scope value to the
/// visitor's open rooms; <c>overwrite: false</c> keeps a value already there. Values are stored as sent (Rocket.Chat's
/// <c>setCustomFields</c>), unlike the trimmed, normalised values of <c>room.saveInfo</c>.
/// </summary>
public static class VisitorCustomFields
{
    /// <summary>
    /// Checks every entry, then writes all of them in one transaction; returns the first error, or null. A concurrent
    /// edit of the visitor or a room (their versions moved) runs it again on the stored values, so neither edit is lost.
    /// </summary>
    public static async Task<ApiError?> SetAsync(
        LivechatDb db, TimeProvider time, string token, IReadOnlyList<VisitorFieldEntry> entries, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SetOnceAsync(db, time, token, entries, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 20)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    static async Task<ApiError?> SetOnceAsync(
        LivechatDb db, TimeProvider time, string token, IReadOnlyList<VisitorFieldEntry> entries, CancellationToken ct)
    {
        var visitor = await db.Visitors.FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return ApiError.Failure("invalid-token");

        var keys = entries.Select(e => e.Key).Distinct().ToList();
        var definitions = await db.CustomFields.AsNoTracking().Where(f => keys.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
        foreach (var entry in entries)
        {
            if (!definitions.TryGetValue(entry.Key, out var definition)) return ApiError.Failure("invalid-custom-field");
            if (entry.Value.Length > Limits.MaxCustomFieldValueLength) return Limits.CustomFieldValueTooLong(entry.Key);
            // Rocket.Chat names the key here, not the label.
            if (!CustomFieldRules.Matches(definition.Regexp, entry.Value)) return ApiError.Failure($"Invalid value for {entry.Key} field");
        }

        var now = time.UtcNow();
        var roomEntries = entries.Where(e => definitions[e.Key].Scope == CustomFieldValues.RoomScope).ToList();
        var rooms = roomEntries.Count == 0 ? [] : await db.Rooms.Where(r => r.VisitorId == visitor.Id && r.Open).ToListAsync(ct);
        foreach (var room in rooms)
        {
            if (Set(room.LivechatData, roomEntries) is { } data)
            {
                room.LivechatData = data;
            }
        }
        var visitorEntries = entries.Where(e => definitions[e.Key].Scope != CustomFieldValues.RoomScope).ToList();
        if (Set(visitor.LivechatData, visitorEntries) is { } values)
        {
            visitor.LivechatData = values;
            visitor.UpdatedAt = now;
        }
        // One SaveChanges is one transaction: the visitor and all the rooms, or nothing.
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The new map when an entry changes something, else null.</summary>
    static Dictionary<string, string>? Set(Dictionary<string, string>? existing, IEnumerable<VisitorFieldEntry> entries)
    {
        var result = existing is null ? null : new Dictionary<string, string>(existing);
        var changed = false;
        foreach (var (key, value, overwrite) in entries)
        {
            if (result is not null && result.TryGetValue(key, out var old) && (!overwrite || old == value)) continue;
            result ??= [];
            result[key] = value;
            changed = true;
        }
        return changed ? result : null;
    }
}
