using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.BusinessHours;

/// <summary>
/// A business hour (Rocket.Chat's <c>ILivechatBusinessHour</c>): the server's one <c>default</c> hour, or a <c>custom</c>
/// one for some departments (Rocket.Chat EE's multiple business hours). Its work hours are kept as the wire's
/// <c>workHours</c> in the hour's own time zone; <see cref="AppliedOpen"/> is what the timed action last applied to the
/// agents, so a pass compares it with what the clock says and acts only on a difference.
/// </summary>
public sealed class BusinessHour
{
    public const string Default = "default";
    public const string Custom = "custom";

    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string Type { get; init; }
    public bool Active { get; set; } = true;

    /// <summary>An IANA time-zone name, e.g. <c>America/Sao_Paulo</c>.</summary>
    public required string TimezoneName { get; set; }

    /// <summary>Seven days at most, as JSON text: <c>[{"day":"Monday","start":"08:00","finish":"18:00","open":true},…]</c>.</summary>
    public required string WorkHours { get; set; }

    /// <summary>The departments a custom hour applies to.</summary>
    public List<string> Departments { get; set; } = [];

    /// <summary>Open or closed as last applied to the agents; null before the first pass.</summary>
    public bool? AppliedOpen { get; set; }

    public required DateTime Ts { get; init; }
    public required DateTime UpdatedAt { get; set; }

    /// <summary>Concurrency token: a transition is applied by the one process whose version check succeeds.</summary>
    public int Version { get; set; } = 1;
}

sealed class BusinessHourConfiguration : IEntityTypeConfiguration<BusinessHour>
{
    public void Configure(EntityTypeBuilder<BusinessHour> b)
    {
        b.ToTable("business_hours");
        b.HasKey(h => h.Id);
        b.Property(h => h.Version).IsConcurrencyToken();
        b.HasIndex(h => h.Type);
    }
}
