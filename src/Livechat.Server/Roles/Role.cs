using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Roles;

public sealed class Role
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Scope { get; init; }
    public required string Description { get; init; }
    public bool Protected { get; init; } = true;
    public bool Mandatory2fa { get; init; }
    public required DateTime UpdatedAt { get; set; }
}

/// <summary>A permission and the roles that hold it.</summary>
public sealed class Permission
{
    public required string Id { get; init; }
    public required List<string> Roles { get; set; }
    public required DateTime UpdatedAt { get; set; }
}

sealed class RoleConfiguration : IEntityTypeConfiguration<Role>, IEntityTypeConfiguration<Permission>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.ToTable("roles");
        b.HasKey(r => r.Id);
    }

    public void Configure(EntityTypeBuilder<Permission> b)
    {
        b.ToTable("permissions");
        b.HasKey(p => p.Id);
        b.HasIndex(p => p.UpdatedAt);
    }
}
