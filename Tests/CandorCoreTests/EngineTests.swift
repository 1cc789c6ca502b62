import CandorCore
