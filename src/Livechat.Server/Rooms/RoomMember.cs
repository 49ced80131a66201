using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Rooms;

/// <summary>
/// A user who joined a livechat room besides its serving agent (Rocket.Chat's subscription made by
/// <c>livechat/room.join</c>): a supervisor or a colleague who may then see the room and write in it. A transfer or a
/// return to the queue removes them, as Rocket.Chat removes the room's subscriptions.
/// </summary>
public sealed class RoomMember
{
    public required string RoomId { get; init; }
    public required string UserId { get; init; }
    public required string Username { get; init; }
    public required DateTime Ts { get; init; }
}

sealed class RoomMemberConfiguration : IEntityTypeConfiguration<RoomMember>
{
    public void Configure(EntityTypeBuilder<RoomMember> b)
    {
        b.ToTable("room_members");
        b.HasKey(m => new { m.RoomId, m.UserId });
        b.HasIndex(m => m.UserId);
    }
}
