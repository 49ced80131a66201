using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Departments;

public sealed class Department
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public required string Email { get; set; }
    public string? Description { get; set; }
    public bool ShowOnRegistration { get; set; } = true;
    public bool ShowOnOfflineForm { get; set; } = true;
    public bool? RequestTagBeforeClosingChat { get; set; }
    public List<string>? ChatClosingTags { get; set; }
    public string? FallbackForwardDepartment { get; set; }
    public List<string>? DepartmentsAllowedToForward { get; set; }
    public bool Archived { get; set; }
    public int NumAgents { get; set; }

    /// <summary>Rocket.Chat EE's per-department chat limit per agent; 0: none (the agent's own or the global one applies).</summary>
    public int MaxNumberSimultaneousChat { get; set; }
    public required DateTime UpdatedAt { get; set; }
}

/// <summary>An agent's membership of a department (Rocket.Chat's <c>ILivechatDepartmentAgents</c>).</summary>
public sealed class DepartmentAgent
{
    public required string Id { get; init; }
    public required string AgentId { get; init; }
    public required string DepartmentId { get; init; }
    public required string Username { get; set; }
    public int Count { get; set; }
    public int Order { get; set; }
    public bool DepartmentEnabled { get; set; } = true;
}

sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>, IEntityTypeConfiguration<DepartmentAgent>
{
    public void Configure(EntityTypeBuilder<Department> b)
    {
        b.ToTable("departments");
        b.HasKey(d => d.Id);
        b.HasIndex(d => d.Name);
    }

    public void Configure(EntityTypeBuilder<DepartmentAgent> b)
    {
        b.ToTable("department_agents");
        b.HasKey(a => a.Id);
        b.HasIndex(a => new { a.DepartmentId, a.AgentId }).IsUnique();
        b.HasIndex(a => a.AgentId);
    }
}
