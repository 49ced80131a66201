using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Slas;

/// <summary>A service-level agreement (Rocket.Chat's <c>IOmnichannelServiceLevelAgreements</c>).</summary>
public sealed class Sla
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required int DueTimeInMinutes { get; set; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class SlaConfiguration : IEntityTypeConfiguration<Sla>
{
    public void Configure(EntityTypeBuilder<Sla> b)
    {
        b.ToTable("slas");
        b.HasKey(s => s.Id);
        b.HasIndex(s => s.Name).IsUnique();
    }
}
