using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Presence;

/// <summary>
/// One open, logged-in DDP connection of a user (Rocket.Chat's <c>usersSessions.connections</c>): which process holds it,
/// its own status (<c>online</c> or <c>away</c>) and the last heartbeat of that process. A process that stops
/// heartbeating (it crashed) leaves rows that lapse <see cref="UserPresence.ConnectionLifetime"/> after their last beat.
/// </summary>
public sealed class AgentConnection
{
    /// <summary>The DDP session id.</summary>
    public required string Id { get; init; }
    public required string UserId { get; init; }

    /// <summary>The server process holding the socket (<see cref="UserPresence.ProcessId"/>).</summary>
    public required string ProcessId { get; init; }

    public required string Status { get; set; }
    public required DateTime ConnectedAt { get; init; }
    public required DateTime HeartbeatAt { get; set; }
}

sealed class AgentConnectionConfiguration : IEntityTypeConfiguration<AgentConnection>
{
    public void Configure(EntityTypeBuilder<AgentConnection> b)
    {
        b.ToTable("user_connections");
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.UserId);
        b.HasIndex(c => c.HeartbeatAt);
        b.HasIndex(c => c.ProcessId);
    }
}
