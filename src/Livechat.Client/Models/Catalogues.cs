using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Client;

public sealed record Department
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Enabled { get; init; }
    public string Email { get; init; } = "";
    public string? Description { get; init; }
    public bool ShowOnRegistration { get; init; }
    public bool ShowOnOfflineForm { get; init; }
    public bool? RequestTagBeforeClosingChat { get; init; }
    public IReadOnlyList<string>? ChatClosingTags { get; init; }
    public string? FallbackForwardDepartment { get; init; }
    public IReadOnlyList<string>? DepartmentsAllowedToForward { get; init; }
    public int NumAgents { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
}

/// <summary>The writable fields of a department (<c>POST</c>/<c>PUT livechat/department</c>).</summary>
public sealed record DepartmentData
{
    public required string Name { get; init; }
    public required string Email { get; init; }
    public bool Enabled { get; init; } = true;
    public bool ShowOnRegistration { get; init; } = true;
    public bool ShowOnOfflineForm { get; init; } = true;
    public string? Description { get; init; }
    public bool? RequestTagBeforeClosingChat { get; init; }
    public IReadOnlyList<string>? ChatClosingTags { get; init; }
    public string? FallbackForwardDepartment { get; init; }
    public IReadOnlyList<string>? DepartmentsAllowedToForward { get; init; }
}

public sealed record DepartmentAgent
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string AgentId { get; init; } = "";
    public string DepartmentId { get; init; } = "";
    public string Username { get; init; } = "";
    public int Count { get; init; }
    public int Order { get; init; }
    public bool DepartmentEnabled { get; init; }
}

/// <summary>An agent to add to (or keep in) a department.</summary>
public sealed record DepartmentAgentEntry
{
    public required string AgentId { get; init; }
    public string? Username { get; init; }
    public int? Count { get; init; }
    public int? Order { get; init; }
}

/// <summary>A department with its agents (<c>GET livechat/department/:id</c> and the writes).</summary>
public sealed record DepartmentWithAgents(Department Department, IReadOnlyList<DepartmentAgent> Agents);

public sealed record Tag
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public int NumDepartments { get; init; }
    public IReadOnlyList<string> Departments { get; init; } = [];
    [JsonPropertyName("_updatedAt")] public DateTime? UpdatedAt { get; init; }
}

public sealed record Priority
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string I18n { get; init; } = "";
    public int SortItem { get; init; }
    public bool Dirty { get; init; }

    /// <summary>The name a manager gave it; absent until renamed.</summary>
    public string? Name { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }

    [JsonIgnore] public string DisplayName => string.IsNullOrWhiteSpace(Name) ? I18n : Name;
}

public sealed record Sla
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public int DueTimeInMinutes { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
}

public sealed record SlaData
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required int DueTimeInMinutes { get; init; }
}

/// <summary>A custom field definition; <see cref="Scope"/> is <c>room</c> or <c>visitor</c>.</summary>
public sealed record CustomField
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Label { get; init; } = "";
    public string Scope { get; init; } = "";
    public string Visibility { get; init; } = "";
    public string? Type { get; init; }
    public string? Regexp { get; init; }
    public bool? Required { get; init; }
    public string? DefaultValue { get; init; }
    public string? Options { get; init; }
    public bool? Public { get; init; }
    public bool? Searchable { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }

    [JsonIgnore] public bool IsRequired => Required == true;

    [JsonIgnore] public bool IsVisible => Visibility != "hidden";

    /// <summary>The choices of a <c>select</c> field (its comma-separated <see cref="Options"/>).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> OptionList =>
        (Options ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The writable fields of a custom field; <see cref="Field"/> becomes its id.</summary>
public sealed record CustomFieldData
{
    public required string Field { get; init; }
    public required string Label { get; init; }
    public string Scope { get; init; } = "room";
    public string Visibility { get; init; } = "visible";
    public string? Type { get; init; }
    public string? Regexp { get; init; }
    public bool? Required { get; init; }
    public string? DefaultValue { get; init; }
    public string? Options { get; init; }
    public bool? Public { get; init; }
    public bool? Searchable { get; init; }
}

/// <summary>A setting's id and value (any JSON).</summary>
public sealed record Setting
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public JsonElement Value { get; init; }
}

/// <summary>Ids of the settings the console edits.</summary>
public static class SettingIds
{
    public const string RoutingMethod = "Livechat_Routing_Method";
    public const string RegistrationForm = "Livechat_registration_form";
    public const string WebhookUrl = "Livechat_webhookUrl";
    public const string SecretToken = "Livechat_secret_token";
    public const string EnableCors = "API_Enable_CORS";
    public const string CorsOrigin = "API_CORS_Origin";
    public const string RequestCommentWhenClosing = "Livechat_request_comment_when_closing_conversation";
    public const string WebhookOnRoomUpdated = "Livechat_webhook_on_room_updated";
}

/// <summary>One webhook call in the outbox (<c>livechat/webhooks.deliveries</c>).</summary>
public sealed record WebhookDelivery
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Event { get; init; } = "";
    public string? RoomId { get; init; }
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? NextAttemptAt { get; init; }
    public DateTime? DeliveredAt { get; init; }
}
