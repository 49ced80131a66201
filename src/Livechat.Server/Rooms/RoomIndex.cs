using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Rooms;

/// <summary>One tag of a room: the side table that lets <c>livechat/rooms?tags[]=</c> use an index at scale.</summary>
public sealed class RoomTag
{
    public required string RoomId { get; init; }
    public required string Tag { get; init; }
}

/// <summary>One <c>livechatData</c> entry of a room, with a lower-cased copy of the value for case-insensitive filters.</summary>
public sealed class RoomField
{
    public required string RoomId { get; init; }
    public required string Key { get; init; }
    public required string Value { get; init; }
    public required string ValueLower { get; init; }
}

/// <summary>
/// Keeps the room side tables in step with <see cref="LivechatRoom.Tags"/> and <see cref="LivechatRoom.LivechatData"/>.
/// Every writer of a room's tags or livechatData calls <see cref="Sync"/> before its <c>SaveChanges</c>: it compares the
/// tracked room's original and current values and adds only the differing rows to the same save, so the side tables
/// change in the same transaction and without extra round trips. The room's own columns stay the source of the wire
/// shape; these rows only serve the filters.
/// </summary>
public static class RoomIndex
{
    public static void Sync(LivechatDb db, LivechatRoom room)
    {
        var entry = db.Entry(room);
        var added = entry.State == EntityState.Added;
        var oldTags = added ? [] : entry.Property(r => r.Tags).OriginalValue ?? [];
        var newTags = room.Tags ?? [];
        foreach (var tag in oldTags.Except(newTags, StringComparer.Ordinal).Distinct(StringComparer.Ordinal))
        {
            db.RoomTags.Remove(new RoomTag { RoomId = room.Id, Tag = tag });
        }
        foreach (var tag in newTags.Except(oldTags, StringComparer.Ordinal).Distinct(StringComparer.Ordinal))
        {
            db.RoomTags.Add(new RoomTag { RoomId = room.Id, Tag = tag });
        }

        var oldData = added ? [] : entry.Property(r => r.LivechatData).OriginalValue ?? [];
        var newData = room.LivechatData ?? [];
        foreach (var (key, _) in oldData.Where(kv => !newData.ContainsKey(kv.Key)))
        {
            db.RoomFields.Remove(Field(room.Id, key, ""));
        }
        foreach (var (key, value) in newData)
        {
            if (!oldData.TryGetValue(key, out var old))
            {
                db.RoomFields.Add(Field(room.Id, key, value));
            }
            else if (old != value)
            {
                db.RoomFields.Update(Field(room.Id, key, value));
            }
        }
    }

    static RoomField Field(string roomId, string key, string value) =>
        new() { RoomId = roomId, Key = key, Value = value, ValueLower = value.ToLowerInvariant() };
}

sealed class RoomIndexConfiguration : IEntityTypeConfiguration<RoomTag>, IEntityTypeConfiguration<RoomField>
{
    public void Configure(EntityTypeBuilder<RoomTag> b)
    {
        b.ToTable("room_tags");
        b.HasKey(t => new { t.RoomId, t.Tag });
        // The filter looks rooms up by tag.
        b.HasIndex(t => new { t.Tag, t.RoomId });
    }

    public void Configure(EntityTypeBuilder<RoomField> b)
    {
        b.ToTable("room_fields");
        b.HasKey(f => new { f.RoomId, f.Key });
        b.HasIndex(f => new { f.Key, f.ValueLower, f.RoomId });
    }
}
