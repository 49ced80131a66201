using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Tags;

public sealed class Tag
{
    public required string Id { get; init; }
    public required string Name { get; set; }

    /// <summary>Trimmed, lower-cased name: tag names are unique case-insensitively.</summary>
    public required string NameKey { get; set; }

    public string? Description { get; set; }
    public List<string> Departments { get; set; } = [];
    public required DateTime UpdatedAt { get; set; }
}

sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.ToTable("tags");
        b.HasKey(t => t.Id);
        b.HasIndex(t => t.NameKey).IsUnique();
    }
}
