using System.Text.Json.Nodes;

namespace Livechat.Server.Http;

/// <summary>
/// The one error result: every non-2xx body the server writes comes from here, in Rocket.Chat's envelope.
/// The factory methods mirror Rocket.Chat's API response builders.
/// </summary>
public sealed class ApiError : IResult, IStatusCodeHttpResult
{
    ApiError(int statusCode, JsonObject body)
    {
        StatusCode = statusCode;
        Body = body;
    }

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public JsonObject Body { get; }

    public string? Error => Body["error"]?.ToString();

    /// <summary>400 <c>{"success":false,"error":error}</c>, with <c>errorType</c> when given.</summary>
    public static ApiError Failure(string error, string? errorType = null) =>
        With(StatusCodes.Status400BadRequest, error, errorType);

    /// <summary>In Meteor.Error form: <c>"reason [code]"</c> with <c>errorType: code</c>; 400 unless <paramref name="status"/> says otherwise.</summary>
    public static ApiError Coded(string code, string? reason = null, int status = StatusCodes.Status400BadRequest) =>
        With(status, reason is null ? $"[{code}]" : $"{reason} [{code}]", code);

    /// <summary>400 schema violation, ajv style.</summary>
    public static ApiError InvalidParams(string message) => Coded("invalid-params", message);

    /// <summary>400 <c>{"success":false}</c>.</summary>
    public static ApiError BareFailure() => new(StatusCodes.Status400BadRequest, new JsonObject { ["success"] = false });

    /// <summary>Field-level 403 (room.saveInfo's custom-field permission, D6).</summary>
    public static ApiError NotAllowed() => With(StatusCodes.Status403Forbidden, "Not allowed [error-not-allowed]", "error-not-allowed");

    /// <summary>Handler-level 403 <c>unauthorized</c>.</summary>
    public static ApiError Forbidden() => With(StatusCodes.Status403Forbidden, "unauthorized");

    /// <summary>Route-permission 403 (no errorType, as Rocket.Chat).</summary>
    public static ApiError PermissionDenied() =>
        With(StatusCodes.Status403Forbidden, "User does not have the permissions required for this action [error-unauthorized]");

    /// <summary>401 with the legacy <c>status</c>/<c>message</c> fields.</summary>
    public static ApiError Unauthorized() => new(StatusCodes.Status401Unauthorized, new JsonObject
    {
        ["success"] = false,
        ["error"] = "You must be logged in to do this.",
        ["status"] = "error",
        ["message"] = "You must be logged in to do this.",
    });

    public static ApiError NotFound(string message) => With(StatusCodes.Status404NotFound, message);

    public static ApiError TooManyRequests(long secondsLeft) => With(StatusCodes.Status429TooManyRequests,
        $"Error, too many requests. Please slow down. You must wait {secondsLeft} seconds before trying this endpoint again. [error-too-many-requests]");

    public static ApiError RequestTooLarge() =>
        With(StatusCodes.Status413PayloadTooLarge, "error-request-too-large", "error-request-too-large");

    public static ApiError Internal() => With(StatusCodes.Status500InternalServerError, "Internal server error");

    /// <summary>Any other shape (login's legacy failures, 412 with details): the body is taken as given.</summary>
    public static ApiError Custom(int statusCode, JsonObject body) => new(statusCode, body);

    static ApiError With(int status, string error, string? errorType = null)
    {
        var body = new JsonObject { ["success"] = false, ["error"] = error };
        if (errorType is not null)
        {
            body["errorType"] = errorType;
        }
        return new ApiError(status, body);
    }

    public ApiException ToException() => new(this);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        return httpContext.Response.WriteAsJsonAsync(Body, JsonSetup.Options, contentType: "application/json");
    }

    public override string ToString() => $"{StatusCode} {Body.ToJsonString()}";
}

/// <summary>The throwable form of <see cref="ApiError"/> for deep code, like Rocket.Chat's Meteor.Error.</summary>
public sealed class ApiException(ApiError error) : Exception(error.ToString())
{
    public ApiError Error { get; } = error;
}
