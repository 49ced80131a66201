using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.CannedResponses;

/// <summary>
/// A canned response (Rocket.Chat EE's <c>IOmnichannelCannedResponse</c>): a text an agent inserts by its shortcut.
/// <see cref="Scope"/> is <c>global</c>, <c>department</c> (<see cref="DepartmentId"/>) or <c>user</c> (<see cref="UserId"/>).
/// </summary>
public sealed class CannedResponse
{
    public required string Id { get; init; }

    /// <summary>Unique across every scope, as Rocket.Chat's <c>findOneByShortcut</c> check makes it.</summary>
    public required string Shortcut { get; set; }

    public required string Text { get; set; }
    public required string Scope { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? UserId { get; set; }
    public string? DepartmentId { get; set; }
    public required string CreatedById { get; init; }
    public required string CreatedByUsername { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class CannedResponseConfiguration : IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<CannedResponse> b)
    {
        b.ToTable("canned_responses");
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.Shortcut).IsUnique();
        b.HasIndex(c => new { c.Scope, c.DepartmentId });
        b.HasIndex(c => new { c.Scope, c.UserId });
    }
}
