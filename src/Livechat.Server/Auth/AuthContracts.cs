using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;
using Livechat.Server.Users;

namespace Livechat.Server.Auth;

public sealed record LoginData(string UserId, string AuthToken, MeView Me);

/// <summary>Rocket.Chat's historical login shape: <c>status</c> and <c>data</c>, plus <c>success</c>.</summary>
public sealed record LoginResponse(string Status, LoginData Data) : ApiResponse;

public sealed record LogoutData(string Message);

/// <summary>Logout keeps Rocket.Chat's shape without a <c>success</c> key.</summary>
public sealed record LogoutResponse(string Status, LogoutData Data);

public sealed record TokenResponse(string Token) : ApiResponse;

public sealed record PersonalAccessTokenView(string Name, DateTime CreatedAt, string LastTokenPart, bool BypassTwoFactor);

public sealed record TokensResponse(IReadOnlyList<PersonalAccessTokenView> Tokens) : ApiResponse;

/// <summary>A password login, in any of the body forms Rocket.Chat accepts (api-conventions §5.2).</summary>
public sealed record LoginRequest(string? Username, string? Email, string Digest)
{
    public static LoginRequest? Parse(JsonObject body)
    {
        var digest = body["password"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => Passwords.Digest(v.GetValue<string>()),
            JsonObject o when Text(o["algorithm"]) == "sha-256" && Text(o["digest"]) is { Length: > 0 } d => d,
            _ => null,
        };
        if (digest is null) return null;
        var (username, email) = body["user"] switch
        {
            JsonValue when Text(body["user"]) is { Length: > 0 } u => u.Contains('@', StringComparison.Ordinal) ? (null, u) : (u, null),
            JsonObject o => (Text(o["username"]), Text(o["email"])),
            _ => (Text(body["username"]), Text(body["email"])),
        };
        if (username is { Length: > 0 }) return new LoginRequest(username, null, digest);
        if (email is { Length: > 0 }) return new LoginRequest(null, email, digest);
        return null;
    }

    static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
