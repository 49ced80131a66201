using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Triggers;

/// <summary>
/// A livechat trigger (Rocket.Chat's <c>ILivechatTrigger</c>): when its conditions hold in the visitor's browser, the
/// widget runs its actions. Conditions and actions are kept as the JSON arrays the schema accepted, as Rocket.Chat stores them.
/// </summary>
public sealed class Trigger
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    public required bool Enabled { get; set; }
    public required bool RunOnce { get; set; }

    /// <summary>JSON array of <c>{name, value}</c>.</summary>
    public required string Conditions { get; set; }

    /// <summary>JSON array of <c>{name: "send-message", params?: {sender, msg, name?}}</c>.</summary>
    public required string Actions { get; set; }

    /// <summary>Orders the widget's list as Rocket.Chat's natural (insertion) order does.</summary>
    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }
}

sealed class TriggerConfiguration : IEntityTypeConfiguration<Trigger>
{
    public void Configure(EntityTypeBuilder<Trigger> b)
    {
        b.ToTable("livechat_triggers");
        b.HasKey(t => t.Id);
        b.HasIndex(t => new { t.Enabled, t.CreatedAt });
    }
}
