using System.Text.Json;
using System.Text.RegularExpressions;

namespace Livechat.Client;

/// <summary>
/// The server refused a request: its status and Rocket.Chat's envelope <c>{"success":false,"error","errorType"?}</c>.
/// A 412 from <c>room.saveInfo</c> carries the current room (<see cref="CurrentRoom"/>, <see cref="ETag"/>).
/// </summary>
public sealed partial class LivechatApiException : Exception
{
    public LivechatApiException(int status, string error, string? errorType = null, JsonElement? details = null,
        string? eTag = null, Room? currentRoom = null)
        : base(Describe(status, error, errorType))
    {
        Status = status;
        Error = error;
        ErrorType = errorType;
        Details = details;
        ETag = eTag;
        CurrentRoom = currentRoom;
    }

    /// <summary>The request never got an answer (network failure, timeout): <see cref="Status"/> is 0.</summary>
    public LivechatApiException(int status, string error, Exception innerException)
        : base(Describe(status, error, null), innerException)
    {
        Status = status;
        Error = error;
    }

    public LivechatApiException()
        : this(0, "")
    {
    }

    public LivechatApiException(string message)
        : this(0, message)
    {
    }

    public LivechatApiException(string message, Exception innerException)
        : this(0, message, innerException)
    {
    }

    /// <summary>The HTTP status (400, 401, 403, 404, 412, 429, 500…).</summary>
    public int Status { get; }

    /// <summary>The envelope's <c>error</c>: a code (<c>error-invalid-room</c>) or a sentence (<c>Invalid value for Order field</c>).</summary>
    public string Error { get; } = "";

    /// <summary>The envelope's <c>errorType</c>, when the server sent one (<c>invalid-params</c>, <c>error-room-modified</c>…).</summary>
    public string? ErrorType { get; }

    /// <summary>The envelope's <c>details</c>, when present (a 412 sends <c>{"room":{…}}</c>).</summary>
    public JsonElement? Details { get; }

    /// <summary>The <c>ETag</c> header of the answer (a 412 sends the room's current one).</summary>
    public string? ETag { get; }

    /// <summary>A 412's current room, to merge the user's edits into and save again.</summary>
    public Room? CurrentRoom { get; }

    /// <summary>Someone else changed the room since its ETag was read (412 <c>error-room-modified</c>).</summary>
    public bool IsConflict => Status == 412;

    public bool IsUnauthorized => Status == 401;

    /// <summary>The server was not reached or did not answer in time.</summary>
    public bool IsNetworkError => Status == 0;

    public bool IsForbidden => Status == 403;

    /// <summary>
    /// The form field a <c>room.saveInfo</c> failure belongs to, so a form can show the message next to it; the field is
    /// <c>null</c> for failures that concern the whole form (permissions, a missing room, a conflict).
    /// </summary>
    public SaveInfoFieldError SaveInfoField()
    {
        if (CustomFieldError().Match(Error) is { Success: true } custom)
        {
            return new("livechatData", Error, custom.Groups[1].Value);
        }
        return Error switch
        {
            "error-invalid-email" => new("email", "Invalid email address"),
            "error-invalid-priority" => new("priorityId", "This priority does not exist"),
            _ when Error.StartsWith("SLA not found", StringComparison.Ordinal) => new("slaId", "This SLA does not exist"),
            "error-invalid-visitor" => new("name", "This visitor does not belong to the room"),
            _ => new(null, Error),
        };
    }

    static string Describe(int status, string error, string? errorType) =>
        errorType is null || error.Contains(errorType, StringComparison.Ordinal) ? $"{status}: {error}" : $"{status}: {error} ({errorType})";

    // The server names the field by its label: "Invalid value for <label> field".
    [GeneratedRegex("^Invalid value for (.+) field$")]
    private static partial Regex CustomFieldError();
}
