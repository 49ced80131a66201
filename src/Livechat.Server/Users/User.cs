using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Users;

/// <summary>A Rocket.Chat user: admins, agents, managers. Visitors are a separate entity.</summary>
public sealed class User
{
    public required string Id { get; init; }
    public required string Username { get; set; }

    /// <summary>Lower-cased username: usernames are unique case-insensitively.</summary>
    public required string UsernameKey { get; set; }

    public string? Name { get; set; }

    /// <summary>The one address (trimmed, lower-cased); Rocket.Chat's <c>emails[0].address</c>.</summary>
    public string? Email { get; set; }

    public bool EmailVerified { get; set; }
    public string Type { get; set; } = "user";
    public string Status { get; set; } = "offline";

    /// <summary>Rocket.Chat's <c>statusConnection</c>: <c>online</c>, <c>away</c> or <c>offline</c>, from the open connections (Presence/).</summary>
    public string StatusConnection { get; set; } = "offline";

    /// <summary>Rocket.Chat's <c>statusDefault</c>: the status the user chose (<c>users.setStatus</c>), shown while connected.</summary>
    public string StatusDefault { get; set; } = "online";

    /// <summary>When the user's last connection went (null while connected, or never connected): the agent-leave action's clock.</summary>
    public DateTime? OfflineSince { get; set; }
    public string? StatusLivechat { get; set; }

    /// <summary>
    /// Rocket.Chat's <c>livechatStatusSystemModified</c>: business hours, not the agent, made them not available, so
    /// the hour's opening makes them available again (an agent who chose not-available stays so).
    /// </summary>
    public bool LivechatStatusSystemModified { get; set; }
    public bool Active { get; set; } = true;
    public List<string> Roles { get; set; } = [];

    /// <summary>PasswordHasher hash of the hex SHA-256 digest of the password (Meteor's client-side digest).</summary>
    public string? PasswordHash { get; set; }

    public int? MaxNumberSimultaneousChat { get; set; }

    /// <summary>Rocket.Chat's <c>lastRoutingTime</c>: when routing last assigned this agent a room.</summary>
    public DateTime? LastRoutingTime { get; set; }

    /// <summary>
    /// The open rooms this user serves, for routing's least-loaded choice. Kept by triggers on the rooms table (migration
    /// Search), so every write of a room keeps it right; EF writes it only as 0 on insert, never on update.
    /// </summary>
    public int OpenRoomCount { get; set; }

    public int UtcOffset { get; set; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.HasIndex(u => u.UsernameKey).IsUnique();
        b.HasIndex(u => u.Email).IsUnique();
        b.HasIndex(u => u.StatusLivechat);
        b.Property(u => u.OpenRoomCount).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
    }
}
