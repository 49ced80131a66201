using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.CustomFields;

/// <summary>A livechat custom field definition; <see cref="Id"/> is the field name.</summary>
public sealed class CustomField
{
    public required string Id { get; init; }
    public required string Label { get; set; }

    /// <summary><c>visitor</c> or <c>room</c>.</summary>
    public required string Scope { get; set; }

    /// <summary><c>visible</c> or <c>hidden</c>.</summary>
    public required string Visibility { get; set; }

    public string? Type { get; set; }
    public string? Regexp { get; set; }
    public bool? Required { get; set; }
    public string? DefaultValue { get; set; }
    public string? Options { get; set; }
    public bool? Public { get; set; }
    public bool? Searchable { get; set; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomField>
{
    public void Configure(EntityTypeBuilder<CustomField> b)
    {
        b.ToTable("custom_fields");
        b.HasKey(f => f.Id);
        b.HasIndex(f => f.Scope);
    }
}
