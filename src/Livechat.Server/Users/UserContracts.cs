using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Users;

public sealed record UserEmail(string Address, bool Verified);

public sealed record LivechatInfo(int MaxNumberSimultaneousChat);

/// <summary>The caller's own user object, as <c>GET me</c> and <c>login</c>'s <c>data.me</c> return it.</summary>
public sealed record MeView(
    [property: JsonPropertyName("_id")] string Id,
    string Username,
    string? Name,
    IReadOnlyList<UserEmail> Emails,
    string Status,
    string? StatusLivechat,
    bool Active,
    IReadOnlyList<string> Roles,
    int UtcOffset,
    string? Email,
    MeSettings Settings,
    string AvatarUrl,
    MeServices Services)
{
    public static MeView From(User u, string origin) => new(
        u.Id, u.Username, u.Name, EmailsOf(u), u.Status, u.StatusLivechat, u.Active, u.Roles, u.UtcOffset,
        u.EmailVerified ? u.Email : null, new MeSettings(new(), new()), $"{origin}/avatar/{u.Username}",
        new MeServices(new PasswordService(u.PasswordHash is not null)));

    public static IReadOnlyList<UserEmail> EmailsOf(User u) => u.Email is null ? [] : [new UserEmail(u.Email, u.EmailVerified)];
}

public sealed record MeSettings(EmptyObject Profile, EmptyObject Preferences);
public sealed record MeServices(PasswordService Password);
public sealed record PasswordService(bool Exists);
public sealed record EmptyObject;

/// <summary>A user as <c>users.create</c> and <c>users.info</c> return it; never a hash or a token.</summary>
public sealed record UserView(
    [property: JsonPropertyName("_id")] string Id,
    string Username,
    string? Name,
    IReadOnlyList<UserEmail>? Emails,
    string Type,
    string Status,
    string? StatusLivechat,
    bool Active,
    IReadOnlyList<string> Roles,
    LivechatInfo? Livechat,
    DateTime CreatedAt,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt)
{
    /// <param name="withEmails">False leaves <c>emails</c> out (another user seen without view-full-other-user-info).</param>
    public static UserView From(User u, bool withEmails = true) => new(
        u.Id, u.Username, u.Name, withEmails ? MeView.EmailsOf(u) : null, u.Type, u.Status, u.StatusLivechat, u.Active, u.Roles,
        u.MaxNumberSimultaneousChat is { } max ? new LivechatInfo(max) : null, u.CreatedAt, u.UpdatedAt);
}

public sealed record UserResponse(UserView User) : ApiResponse;
