using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Departments;

/// <summary>The department document on the wire (livechat-endpoints §11).</summary>
public sealed record DepartmentView(
    [property: JsonPropertyName("_id")] string Id,
    string Name,
    bool Enabled,
    string Email,
    string? Description,
    bool ShowOnRegistration,
    bool ShowOnOfflineForm,
    bool? RequestTagBeforeClosingChat,
    IReadOnlyList<string>? ChatClosingTags,
    string? FallbackForwardDepartment,
    IReadOnlyList<string>? DepartmentsAllowedToForward,
    int NumAgents,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt,
    int? MaxNumberSimultaneousChat)
{
    public static DepartmentView From(Department d) => new(d.Id, d.Name, d.Enabled, d.Email, d.Description, d.ShowOnRegistration,
        d.ShowOnOfflineForm, d.RequestTagBeforeClosingChat, d.ChatClosingTags, d.FallbackForwardDepartment, d.DepartmentsAllowedToForward,
        d.NumAgents, d.UpdatedAt, d.MaxNumberSimultaneousChat > 0 ? d.MaxNumberSimultaneousChat : null);
}

public sealed record DepartmentAgentView(
    [property: JsonPropertyName("_id")] string Id, string AgentId, string DepartmentId, string Username, int Count, int Order,
    bool DepartmentEnabled)
{
    public static DepartmentAgentView From(DepartmentAgent a) =>
        new(a.Id, a.AgentId, a.DepartmentId, a.Username, a.Count, a.Order, a.DepartmentEnabled);
}

public sealed record DepartmentsResponse(IReadOnlyList<DepartmentView> Departments, int Count, int Offset, int Total) : ApiResponse;

public sealed record DepartmentResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DepartmentView? Department,
    IReadOnlyList<DepartmentAgentView>? Agents) : ApiResponse;

public sealed record DepartmentAgentsResponse(IReadOnlyList<DepartmentAgentView> Agents, int Count, int Offset, int Total) : ApiResponse;
