"""English local authorities that place households into Thanet: the seed of the placing authority register.

GSS codes from the ONS Register of Geographic Codes (local authority districts, counties and London
boroughs, April 2023). Kent here means Kent County Council's area and Medway, the ceremonial county: both
place into Thanet as neighbours, so a Kent authority is any of them.
(gss code, name, kind, in Kent)
"""

KENT = (
    ("E10000016", "Kent County Council", "county", True),
    ("E07000105", "Ashford Borough Council", "district", True),
    ("E07000106", "Canterbury City Council", "district", True),
    ("E07000107", "Dartford Borough Council", "district", True),
    ("E07000108", "Dover District Council", "district", True),
    ("E07000109", "Gravesham Borough Council", "district", True),
    ("E07000110", "Maidstone Borough Council", "district", True),
    ("E07000111", "Sevenoaks District Council", "district", True),
    ("E07000112", "Folkestone and Hythe District Council", "district", True),
    ("E07000113", "Swale Borough Council", "district", True),
    ("E07000114", "Thanet District Council", "district", True),
    ("E07000115", "Tonbridge and Malling Borough Council", "district", True),
    ("E07000116", "Tunbridge Wells Borough Council", "district", True),
    ("E06000035", "Medway Council", "unitary", True),
)

_BOROUGHS = (
    "City of London Corporation",
    "London Borough of Barking and Dagenham",
    "London Borough of Barnet",
    "London Borough of Bexley",
    "London Borough of Brent",
    "London Borough of Bromley",
    "London Borough of Camden",
    "London Borough of Croydon",
    "London Borough of Ealing",
    "London Borough of Enfield",
    "Royal Borough of Greenwich",
    "London Borough of Hackney",
    "London Borough of Hammersmith and Fulham",
    "London Borough of Haringey",
    "London Borough of Harrow",
    "London Borough of Havering",
    "London Borough of Hillingdon",
    "London Borough of Hounslow",
    "London Borough of Islington",
    "Royal Borough of Kensington and Chelsea",
    "Royal Borough of Kingston upon Thames",
    "London Borough of Lambeth",
    "London Borough of Lewisham",
    "London Borough of Merton",
    "London Borough of Newham",
    "London Borough of Redbridge",
    "London Borough of Richmond upon Thames",
    "London Borough of Southwark",
    "London Borough of Sutton",
    "London Borough of Tower Hamlets",
    "London Borough of Waltham Forest",
    "London Borough of Wandsworth",
    "Westminster City Council",
)
LONDON = tuple((f"E09{i:06d}", name, "london", False) for i, name in enumerate(_BOROUGHS, start=1))

ELSEWHERE = (
    ("E10000011", "East Sussex County Council", "county", False),
    ("E10000012", "Essex County Council", "county", False),
    ("E10000030", "Surrey County Council", "county", False),
    ("E06000043", "Brighton and Hove City Council", "unitary", False),
    ("E06000033", "Southend-on-Sea City Council", "unitary", False),
    ("E06000034", "Thurrock Council", "unitary", False),
)

PLACING_AUTHORITIES = KENT + LONDON + ELSEWHERE
