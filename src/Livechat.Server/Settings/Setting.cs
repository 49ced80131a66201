using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Settings;

/// <summary>A stored setting: its value as JSON text, typed by <see cref="SettingDefinitions"/>.</summary>
public sealed class Setting
{
    public required string Id { get; init; }
    public required string Value { get; set; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class SettingConfiguration : IEntityTypeConfiguration<Setting>
{
    public void Configure(EntityTypeBuilder<Setting> b)
    {
        b.ToTable("settings");
        b.HasKey(s => s.Id);
    }
}
