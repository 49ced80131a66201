using Livechat.Server.Data;
using Livechat.Server.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Visitors;

/// <summary>A website visitor (Rocket.Chat's <c>ILivechatVisitor</c>), identified by the token the widget chose.</summary>
public sealed class Visitor : IVersioned
{
    public required string Id { get; init; }
    public required string Token { get; set; }
    public required string Username { get; set; }
    [Tracked("visitor.name")]
    public string? Name { get; set; }

    /// <summary>The one address of <c>visitorEmails</c>, trimmed and lower-cased.</summary>
    [Tracked("visitor.email")]
    public string? Email { get; set; }

    /// <summary>The one number of <c>phone</c>, trimmed.</summary>
    [Tracked("visitor.phone")]
    public string? Phone { get; set; }

    [Tracked("visitor.department")]
    public string? Department { get; set; }
    // Presence, not an edit: realtime wants it, the audit log does not.
    [Tracked("visitor.status", Audited = false)]
    public string Status { get; set; } = "online";
    public required DateTime Ts { get; init; }
    public required DateTime UpdatedAt { get; set; }
    public string? LastChatId { get; set; }
    public DateTime? LastChatTs { get; set; }

    /// <summary>Visitor-scope custom field values.</summary>
    [Tracked("visitor.livechatData")]
    public Dictionary<string, string>? LivechatData { get; set; }

    public string? UserAgent { get; set; }
    public string? Ip { get; set; }
    public string? Host { get; set; }

    /// <summary>Optimistic-concurrency version, changed by every committed write (not on the wire: Rocket.Chat's visitors have none).</summary>
    public int Version { get; set; } = 1;
}

sealed class VisitorConfiguration : IEntityTypeConfiguration<Visitor>
{
    public void Configure(EntityTypeBuilder<Visitor> b)
    {
        b.ToTable("visitors");
        b.HasKey(v => v.Id);
        b.Property(v => v.Version).IsConcurrencyToken();
        b.HasIndex(v => v.Token).IsUnique();
        b.HasIndex(v => v.Username);
        b.HasIndex(v => v.Phone);
        b.HasIndex(v => v.Email);
        b.HasIndex(v => v.Ts);
        b.Property(v => v.LivechatData).HasJsonConversion();
    }
}
