using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Priorities;

/// <summary>One of the five seeded priorities; only renamed or reset, never created or deleted.</summary>
public sealed class Priority
{
    public required string Id { get; init; }
    public required string I18n { get; init; }
    public required int SortItem { get; init; }
    public bool Dirty { get; set; }
    public string? Name { get; set; }

    /// <summary>Lower-cased <see cref="Name"/>, for the case-insensitive duplicate check.</summary>
    public string? NameKey { get; set; }

    public required DateTime UpdatedAt { get; set; }
}

sealed class PriorityConfiguration : IEntityTypeConfiguration<Priority>
{
    public void Configure(EntityTypeBuilder<Priority> b)
    {
        b.ToTable("priorities");
        b.HasKey(p => p.Id);
        b.HasIndex(p => p.SortItem).IsUnique();
    }
}
