using System.Text.Json.Serialization;

namespace Livechat.Client;

public sealed record UserEmail
{
    public string Address { get; init; } = "";
    public bool Verified { get; init; }
}

public sealed record LivechatAgentInfo
{
    public int MaxNumberSimultaneousChat { get; init; }
}

/// <summary>The logged-in user (<c>GET me</c>, and the <c>me</c> of a login).</summary>
public sealed record Me
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string? Name { get; init; }
    public IReadOnlyList<UserEmail> Emails { get; init; } = [];
    public string? Email { get; init; }
    public string Status { get; init; } = "";
    public string? StatusLivechat { get; init; }
    public bool Active { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = [];
    public int UtcOffset { get; init; }
    public string? AvatarUrl { get; init; }

    /// <summary>The name to show: the display name, else the username.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Username : Name;

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>A user as <c>users.info</c> and <c>users.create</c> return it.</summary>
public sealed record User
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string? Name { get; init; }
    public IReadOnlyList<UserEmail> Emails { get; init; } = [];
    public string Type { get; init; } = "user";
    public string Status { get; init; } = "";
    public string? StatusLivechat { get; init; }
    public bool Active { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = [];
    public LivechatAgentInfo? Livechat { get; init; }
    public DateTime CreatedAt { get; init; }
    [JsonPropertyName("_updatedAt")] public DateTime UpdatedAt { get; init; }
}

/// <summary>An agent or a manager (<c>livechat/users/:type</c>).</summary>
public sealed record Agent
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public string Username { get; init; } = "";
    public string? Name { get; init; }
    public string Status { get; init; } = "";
    public string? StatusLivechat { get; init; }
    public IReadOnlyList<UserEmail> Emails { get; init; } = [];
    public LivechatAgentInfo? Livechat { get; init; }

    public bool IsAvailable => StatusLivechat == AgentStatus.Available;
}

/// <summary>The two livechat statuses of an agent.</summary>
public static class AgentStatus
{
    public const string Available = "available";
    public const string NotAvailable = "not-available";
}

/// <summary>A permission and the roles that hold it (<c>permissions.listAll</c>).</summary>
public sealed record Permission
{
    [JsonPropertyName("_id")] public string Id { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
}

/// <summary>The fields of <c>users.create</c>; absent ones take the server's defaults.</summary>
public sealed record CreateUserRequest
{
    public required string Username { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Password { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    public bool? Active { get; init; }
    public bool? Verified { get; init; }
}
