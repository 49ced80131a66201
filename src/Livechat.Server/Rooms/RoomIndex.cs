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
/// Every writer of a room's tags or livechatData calls <see cref="SyncAsync"/> in the same transaction as the room write.
/// The room's own columns stay the source of the wire shape; these rows only serve the filters.
/// </summary>
public static class RoomIndex
{
    public static async Task SyncAsync(LivechatDb db, LivechatRoom room, CancellationToken ct)
    {
        await db.RoomTags.Where(t => t.RoomId == room.Id).ExecuteDeleteAsync(ct);
        await db.RoomFields.Where(f => f.RoomId == room.Id).ExecuteDeleteAsync(ct);
        foreach (var tag in (room.Tags ?? []).Distinct(StringComparer.Ordinal))
        {
            db.RoomTags.Add(new RoomTag { RoomId = room.Id, Tag = tag });
        }
        foreach (var (key, value) in room.LivechatData ?? [])
        {
            db.RoomFields.Add(new RoomField { RoomId = room.Id, Key = key, Value = value, ValueLower = value.ToLowerInvariant() });
        }
    }
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
