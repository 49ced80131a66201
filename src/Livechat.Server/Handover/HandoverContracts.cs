using System.Text.Json.Nodes;
using Livechat.Server.Http;

namespace Livechat.Server.Handover;

/// <summary>What <c>room.forward</c> and <c>room.transfer</c> ask for: an agent, a department (and optionally an agent of it).</summary>
public sealed record TransferRequest(string? UserId, string? DepartmentId, string? Comment);

/// <summary><c>transferData.transferredBy</c> (Rocket.Chat's normalizeTransferredByData): <c>userType</c> agent, user or visitor.</summary>
public sealed record TransferredBy(string Id, string Username, string? Name, string UserType)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["_id"] = Id, ["username"] = Username };
        if (Name is not null) json["name"] = Name;
        json["userType"] = UserType;
        return json;
    }
}

/// <summary><c>transferData.transferredTo</c>.</summary>
public sealed record TransferredTo(string Id, string Username, string? Name)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["_id"] = Id, ["username"] = Username };
        if (Name is not null) json["name"] = Name;
        return json;
    }
}

/// <summary><c>transferData.nextDepartment</c>: the department as Rocket.Chat reads it for the transfer.</summary>
public sealed record NextDepartment(string Id, string Name)
{
    public JsonObject ToJson() => new() { ["_id"] = Id, ["name"] = Name };
}

public sealed record TransferHistoryResponse(IReadOnlyList<JsonNode?> History, int Count, int Offset, int Total) : ApiResponse;

public sealed record ReturnAsInquiryResponse(bool Result) : ApiResponse;
